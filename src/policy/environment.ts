import { type CelEnv, CelScalar, type CelValue, celEnv, celList, celMap, mapType } from '@bufbuild/cel';
import { DEFAULT_COST_LIMIT } from './cost.ts';
import { PolicyError } from './errors.ts';
import { policyFunctions } from './functions.ts';
import { type CheckType, T } from './types.ts';
import { type JsonObject, toCelValue } from './values.ts';

/** The policy kinds whose templates and constraints are CEL; each has its own variable set. */
export type PolicyKind = 'GrantCreationPolicy' | 'ClaimCreationPolicy';

/**
 * Every variable set of the one environment factory: the two policy kinds, and the operator's bucket
 * namespace expression (`--bucket-namespace-expression`, SPEC §4.1), which sees only `consumer`.
 */
export type EnvironmentKind = PolicyKind | 'BucketNamespace';

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
/** The consumer a bucket belongs to; '' for the core group and for cluster-scoped consumers. */
export interface BucketConsumer {
  readonly apiGroup: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}
export interface BucketNamespaceVariables {
  readonly consumer: BucketConsumer;
}
export type VariablesFor<K extends EnvironmentKind> = K extends 'ClaimCreationPolicy'
  ? ClaimVariables
  : K extends 'BucketNamespace'
    ? BucketNamespaceVariables
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

const CONSUMER = T.record('consumer', {
  apiGroup: T.string,
  kind: T.string,
  namespace: T.string,
  name: T.string,
});

const DECLARATIONS: Record<EnvironmentKind, ReadonlyMap<string, CheckType>> = {
  GrantCreationPolicy: new Map([['trigger', TRIGGER]]),
  ClaimCreationPolicy: new Map([
    ['trigger', TRIGGER],
    ['user', USER],
    ['requestInfo', REQUEST_INFO],
  ]),
  BucketNamespace: new Map([['consumer', CONSUMER]]),
};

/** Who declares the variables, as "undeclared reference" messages name it. */
const OWNERS: Record<EnvironmentKind, string> = {
  GrantCreationPolicy: 'GrantCreationPolicy',
  ClaimCreationPolicy: 'ClaimCreationPolicy',
  BucketNamespace: 'the bucket namespace expression',
};

/**
 * A CEL environment: the variables the checker knows, the library environment holding the functions, and
 * the cost limit every evaluation runs under. Templates and constraints of a policy kind share one.
 */
export interface PolicyEnvironment<K extends EnvironmentKind = EnvironmentKind> {
  readonly kind: K;
  /** Names the variable set in messages, e.g. "GrantCreationPolicy". */
  readonly owner: string;
  readonly declarations: ReadonlyMap<string, CheckType>;
  readonly cel: CelEnv;
  readonly costLimit: number;
}

export interface EnvironmentOptions {
  /** Cost units one evaluation may spend (see cost.ts). Default 1,000,000, Milo's runtime limit. */
  readonly costLimit?: number | undefined;
}

const libraryEnvs = new Map<EnvironmentKind, CelEnv>();

/** The one environment factory (Milo's `cel/environment.go`): every compile and render goes through it. */
export function createEnvironment<K extends EnvironmentKind>(
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
  return { kind, owner: OWNERS[kind], declarations: DECLARATIONS[kind], cel, costLimit };
}

/** Variables converted once to CEL values, ready for any number of evaluations of the same kind. */
export interface Bindings<K extends EnvironmentKind = EnvironmentKind> {
  readonly kind: K;
  readonly values: Readonly<Record<string, CelValue>>;
}

export function bindVariables<K extends EnvironmentKind>(kind: K, variables: VariablesFor<K>): Bindings<K> {
  const vars: GrantVariables | ClaimVariables | BucketNamespaceVariables = variables;
  if ('consumer' in vars) return { kind, values: { consumer: consumerValue(vars.consumer) } };
  if (kind === 'BucketNamespace') {
    throw new PolicyError('input', 'consumer', 'bucket namespace evaluations need the consumer');
  }
  if (typeof vars.trigger !== 'object' || vars.trigger === null || Array.isArray(vars.trigger)) {
    throw new PolicyError('input', 'trigger', 'the trigger must be an object');
  }
  const values: Record<string, CelValue> = { trigger: toCelValue(vars.trigger, 'trigger') };
  if ('user' in vars) {
    values.user = userValue(vars.user);
    values.requestInfo = requestInfoValue(vars.requestInfo);
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

const CONSUMER_FIELDS = ['apiGroup', 'kind', 'namespace', 'name'] as const;

function consumerValue(consumer: BucketConsumer): CelValue {
  const entries = new Map<string, CelValue>();
  for (const field of CONSUMER_FIELDS) {
    const value: unknown = consumer[field];
    if (typeof value !== 'string') {
      throw new PolicyError(
        'input',
        `consumer.${field}`,
        `must be a string ('' when empty), got ${typeof value}`,
      );
    }
    entries.set(field, value);
  }
  return celMap(entries);
}
