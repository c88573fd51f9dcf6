// Consumer and object references, and how they are matched against registrations. The consumer identity
// itself (the `apiGroup/kind/namespace/name` key shared by grants, claims and buckets, SPEC §4.1) is the
// quota engine's `formatConsumerKey`, which also rejects parts that would make the key ambiguous.
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
