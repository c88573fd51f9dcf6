import { type CelEnv, CelScalar, type CelValue, celEnv, celList, celMap, mapType } from '@bufbuild/cel';
import { DEFAULT_COST_LIMIT } from './cost.ts';
import { PolicyError } from './errors.ts';
import { policyFunctions } from './functions.ts';
import { type CheckType, T } from './types.ts';
import { type JsonObject, toCelValue } from './values.ts';

/** The policy kinds whose templates and constraints are CEL; each has its own variable set. */
export type PolicyKind = 'GrantCreationPolicy' | 'ClaimCreationPolicy';

/** The authenticated requester of an admitted create (Kubernetes `UserInfo`). Missing fields are empty. */
export interface UserInfo {
  readonly name?: string | undefined;
  readonly uid?: string | undefined;
  readonly groups?: readonly string[] | undefined;
  readonly extra?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** What is being admitted (Kubernetes `RequestInfo`); `verb` is lower case (`create`). Missing fields are empty. */
export interface RequestInfo {
  readonly verb?: string | undefined;
  readonly resource?: string | undefined;
  readonly subresource?: string | undefined;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly apiGroup?: string | undefined;
  readonly apiVersion?: string | undefined;
}

export interface GrantVariables {
  readonly trigger: JsonObject;
}
export interface ClaimVariables {
  readonly trigger: JsonObject;
  readonly user: UserInfo;
  readonly requestInfo: RequestInfo;
}
export type VariablesFor<K extends PolicyKind> = K extends 'ClaimCreationPolicy'
  ? ClaimVariables
  : GrantVariables;

const USER = T.record('user', {
  name: T.string,
  uid: T.string,
  groups: T.list(T.string),
  extra: T.map(T.string, T.list(T.string)),
});
// Milo also fills isResourceRequest, path and parts; declared so Milo manifests using them still compile.
const REQUEST_INFO = T.record('requestInfo', {
  verb: T.string,
  resource: T.string,
  subresource: T.string,
  namespace: T.string,
  name: T.string,
  apiGroup: T.string,
  apiVersion: T.string,
  isResourceRequest: T.bool,
  path: T.string,
  parts: T.list(T.string),
});
/** The trigger object is whatever kind the policy names, so only its top level is typed. */
const TRIGGER = T.map(T.string, T.dyn);

const DECLARATIONS: Record<PolicyKind, ReadonlyMap<string, CheckType>> = {
  GrantCreationPolicy: new Map([['trigger', TRIGGER]]),
  ClaimCreationPolicy: new Map([
    ['trigger', TRIGGER],
    ['user', USER],
    ['requestInfo', REQUEST_INFO],
  ]),
};

/**
 * A policy kind's CEL environment: the variables the checker knows, the library environment holding the
 * functions, and the cost limit every evaluation runs under. Templates and constraints of a kind share it.
 */
export interface PolicyEnvironment<K extends PolicyKind = PolicyKind> {
  readonly kind: K;
  readonly declarations: ReadonlyMap<string, CheckType>;
  readonly cel: CelEnv;
  readonly costLimit: number;
}

export interface EnvironmentOptions {
  /** Cost units one evaluation may spend (see cost.ts). Default 1,000,000, Milo's runtime limit. */
  readonly costLimit?: number | undefined;
}

const libraryEnvs = new Map<PolicyKind, CelEnv>();

/** The one environment factory (Milo's `cel/environment.go`): every compile and render goes through it. */
export function createEnvironment<K extends PolicyKind>(
  kind: K,
  options: EnvironmentOptions = {},
): PolicyEnvironment<K> {
  const costLimit = options.costLimit ?? DEFAULT_COST_LIMIT;
  if (!Number.isSafeInteger(costLimit) || costLimit < 1) {
    throw new PolicyError('limit', 'costLimit', `must be a positive integer, got ${costLimit}`);
  }
  let cel = libraryEnvs.get(kind);
  if (cel === undefined) {
    const { DYN, STRING } = CelScalar;
    const names = [...DECLARATIONS[kind].keys()];
    const variables = Object.fromEntries(names.map((n) => [n, mapType(STRING, DYN)]));
    cel = celEnv({ funcs: policyFunctions(), variables });
    libraryEnvs.set(kind, cel);
  }
  return { kind, declarations: DECLARATIONS[kind], cel, costLimit };
}

/** Variables converted once to CEL values, ready for any number of evaluations of the same kind. */
export interface Bindings<K extends PolicyKind = PolicyKind> {
  readonly kind: K;
  readonly values: Readonly<Record<string, CelValue>>;
}

export function bindVariables<K extends PolicyKind>(kind: K, variables: VariablesFor<K>): Bindings<K> {
  if (
    typeof variables.trigger !== 'object' ||
    variables.trigger === null ||
    Array.isArray(variables.trigger)
  ) {
    throw new PolicyError('input', 'trigger', 'the trigger must be an object');
  }
  const values: Record<string, CelValue> = { trigger: toCelValue(variables.trigger, 'trigger') };
  if ('user' in variables) {
    values.user = userValue(variables.user);
    values.requestInfo = requestInfoValue(variables.requestInfo);
  } else if (kind === 'ClaimCreationPolicy') {
    throw new PolicyError('input', 'user', 'ClaimCreationPolicy evaluations need user and requestInfo');
  }
  return { kind, values };
}

function userValue(user: UserInfo): CelValue {
  const extra = new Map(Object.entries(user.extra ?? {}).map(([k, v]) => [k, celList([...v])]));
  return celMap(
    new Map<string, CelValue>([
      ['name', user.name ?? ''],
      ['uid', user.uid ?? ''],
      ['groups', celList([...(user.groups ?? [])])],
      ['extra', celMap(extra)],
    ]),
  );
}

function requestInfoValue(info: RequestInfo): CelValue {
  const fields = ['verb', 'resource', 'subresource', 'namespace', 'name', 'apiGroup', 'apiVersion'] as const;
  const entries = new Map<string, CelValue>(fields.map((f) => [f, info[f] ?? '']));
  entries.set('isResourceRequest', true).set('path', '').set('parts', celList([]));
  return celMap(entries);
}
