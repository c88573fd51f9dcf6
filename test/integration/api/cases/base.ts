// The bad-input catalogue's shape and base objects. Each case breaks one thing in a valid object and
// names the field the apiserver's error must mention. Create cases apply the broken object; `update`
// cases first create the valid object, then apply the broken one; `status` cases create it, then
// merge-patch its status subresource with `status`.
import { MAX_AMOUNT } from '../../../../src/api/index.ts';
import {
  clone,
  makeBucket,
  makeClaim,
  makeClaimPolicy,
  makeGrant,
  makeGrantPolicy,
  makeRegistration,
  PROJECTS,
} from '../../../../src/api/testing.ts';

export interface QuotaManifest {
  kind: string;
  metadata: { name?: string; namespace?: string };
  status?: unknown;
}

interface Common {
  readonly name: string;
  readonly base: () => QuotaManifest;
  /** Field path that must appear in the apiserver's message. */
  readonly field: string;
  /** Extra text the message must contain. */
  readonly says?: string;
}

/** `set` a field (dotted path with [i] indexes, as in the field errors) to `to`, or `unset` it. */
type Edit = { readonly set: string; readonly to: unknown } | { readonly unset: string };

export type BadInput = Common &
  ((Edit & { readonly on?: 'create' | 'update' }) | { readonly on: 'status'; readonly status: unknown });

function segments(path: string): (string | number)[] {
  return path.split('.').flatMap((part) =>
    part
      .split(/[[\]]/)
      .filter((s) => s !== '')
      .map((s, i) => (i > 0 ? Number(s) : s)),
  );
}

/** Applies a case's edit to a copy of its object. */
export function applyEdit(obj: QuotaManifest, edit: Edit): QuotaManifest {
  const copy = clone(obj);
  const keys = segments('set' in edit ? edit.set : edit.unset);
  const last = keys.pop();
  let node: unknown = copy;
  for (const k of keys) node = (node as Record<string | number, unknown>)[k];
  if (typeof node !== 'object' || node === null || last === undefined)
    throw new Error(`bad path in ${JSON.stringify(edit)}`);
  const target = node as Record<string | number, unknown>;
  if ('set' in edit) target[last] = edit.to;
  else delete target[last];
  return copy;
}

export { PROJECTS };
export const TOO_BIG = MAX_AMOUNT + 1;
export const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const inDefault = <T extends { metadata: { namespace?: string } }>(o: T): T => ({
  ...o,
  metadata: { ...o.metadata, namespace: 'default' },
});
export const registration = (): QuotaManifest => {
  const { status: _status, ...rest } = makeRegistration();
  return rest;
};
export const grant = (): QuotaManifest => inDefault(makeGrant());
export const claim = (): QuotaManifest => inDefault(makeClaim());
export const bucket = (): QuotaManifest => inDefault(makeBucket());
export const gcp = (): QuotaManifest => makeGrantPolicy();
export const ccp = (): QuotaManifest => makeClaimPolicy();
