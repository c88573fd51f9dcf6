// Consumer and object references, and the one consumer identity used everywhere (SPEC §4.1): grants,
// claims and buckets all match consumers on apiGroup, kind, namespace and name. Milo mixes three different
// keys (kind+name, apiGroup/kind/namespace/name, kind only); we use one.
import type { Infer } from './schema/builder.ts';
import type {
  claimingResourceSchema,
  consumerRefSchema,
  consumerTypeSchema,
  objectRefSchema,
} from './schema/common.ts';

export type ConsumerRef = Infer<typeof consumerRefSchema>;
export type ConsumerType = Infer<typeof consumerTypeSchema>;
export type ObjectRef = Infer<typeof objectRefSchema>;
export type ClaimingResource = Infer<typeof claimingResourceSchema>;

/**
 * `apiGroup/kind/namespace/name`, with empty strings for the core group and cluster-scoped consumers.
 * None of the four parts can contain `/` when valid, so the key is unambiguous.
 */
export function consumerKey(ref: ConsumerRef): string {
  return `${ref.apiGroup ?? ''}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

export function sameConsumer(a: ConsumerRef, b: ConsumerRef): boolean {
  return consumerKey(a) === consumerKey(b);
}

/** True when the consumer's apiGroup and kind are the registration's consumerType (exact match). */
export function consumerMatchesType(ref: ConsumerRef, type: ConsumerType): boolean {
  return (ref.apiGroup ?? '') === type.apiGroup && ref.kind === type.kind;
}

/** `group/Kind`, or `core/Kind` for the core group, as Milo prints claiming resources in messages. */
export function groupKindString(apiGroup: string | undefined, kind: string): string {
  return `${apiGroup === undefined || apiGroup === '' ? 'core' : apiGroup}/${kind}`;
}

/** Milo's claiming rule: apiGroup equal exactly, kind equal ignoring case. */
export function isClaimingResource(list: readonly ClaimingResource[], ref: ObjectRef): boolean {
  const group = ref.apiGroup ?? '';
  const kind = ref.kind.toLowerCase();
  return list.some((c) => (c.apiGroup ?? '') === group && c.kind.toLowerCase() === kind);
}
