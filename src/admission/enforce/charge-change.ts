// UPDATE of an enforced object (SPEC §12): a claim is made once, at creation, for the consumer and amounts the
// policies rendered then. An update that would make a policy render another consumer or other amounts (or
// start charging at all) would move the object out from under its claim, so it is refused; an update that
// changes nothing the policies charge is admitted without touching any claim. Pure.
import type { ConsumerRef, ResourceClaim } from '../../api/index.ts';

export interface PlannedCharge {
  readonly policy: string;
  readonly claim: ResourceClaim;
}

const consumerText = (ref: ConsumerRef | undefined) =>
  ref === undefined
    ? 'no consumer'
    : `${ref.kind} "${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}"${ref.apiGroup ? ` (${ref.apiGroup})` : ''}`;

const requestsText = (claim: ResourceClaim) =>
  [...claim.spec.requests]
    .map((r) => `${r.resourceType}=${r.amount}`)
    .sort()
    .join(', ');

const sameConsumer = (a: ConsumerRef | undefined, b: ConsumerRef | undefined) =>
  a === undefined || b === undefined
    ? a === b
    : (a.apiGroup ?? '') === (b.apiGroup ?? '') &&
      a.kind === b.kind &&
      a.name === b.name &&
      (a.namespace ?? '') === (b.namespace ?? '');

/** One line per policy whose charge the update changes; empty when the update may go through. */
export function chargeChanges(before: readonly PlannedCharge[], after: readonly PlannedCharge[]): string[] {
  const changes: string[] = [];
  for (const next of after) {
    const prev = before.find((p) => p.policy === next.policy);
    if (prev === undefined) {
      changes.push(
        `policy ${next.policy} would start charging ${consumerText(next.claim.spec.consumerRef)} ` +
          `(${requestsText(next.claim)}), which this object did not pay for when it was created`,
      );
      continue;
    }
    const from = prev.claim.spec.consumerRef;
    const to = next.claim.spec.consumerRef;
    if (!sameConsumer(from, to)) {
      changes.push(`policy ${next.policy}: consumer ${consumerText(from)} → ${consumerText(to)}`);
    }
    if (requestsText(prev.claim) !== requestsText(next.claim)) {
      changes.push(
        `policy ${next.policy}: requests ${requestsText(prev.claim)} → ${requestsText(next.claim)}`,
      );
    }
  }
  return changes;
}

/** The refusal for an update that changes charges. */
export function chargeChangeMessage(kind: string, name: string, changes: readonly string[]): string {
  return (
    `${kind} "${name}": this update would change what quota it is charged to (${changes.join('; ')}), and a ` +
    `quota claim cannot move after creation. Delete and re-create the ${kind} to charge another consumer or amount.`
  );
}
