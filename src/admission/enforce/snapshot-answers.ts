// Bucket figures for admission's answers, from the same cache snapshot (decisions in flight included) and
// engine the decider uses: what a denied claim's requests came up against, and the read-only verdict of a dry-run.
import type { ConsumerRef, ResourceClaim } from '../../api/index.ts';
import { consumerKeyOf, type QuotaCache, registrationInputs } from '../../cache/index.ts';
import { computeFigures, decide } from '../../quota/index.ts';
import { allowed, forbidden, type Verdict } from '../../webhook/review.ts';
import type { DenialInput, ShortRequest } from './denial.ts';
import { denialCauses, denialMessage, misconfiguredMessage } from './denial.ts';

interface FiguresOptions {
  readonly caches: QuotaCache;
  readonly startupWaitMs?: number;
}

const consumerOf = (claim: ResourceClaim): ConsumerRef => claim.spec.consumerRef ?? { kind: '', name: '' };

/** The requests of a denied claim that do not fit, with the consumer's figures now. */
export function denialFor(options: FiguresOptions, claim: ResourceClaim, policy: string): DenialInput {
  const consumer = consumerOf(claim);
  const key = consumerKeyOf(consumer);
  const snapshot = key === undefined ? undefined : options.caches.snapshot(key, Date.now());
  const figures = snapshot === undefined ? new Map() : computeFigures(snapshot);
  const registrations = snapshot?.registrations ?? registrationInputs(options.caches.registrations.list());
  const requests: ShortRequest[] = claim.spec.requests.map((r) => {
    const f = figures.get(r.resourceType);
    const display = registrations.get(r.resourceType)?.display;
    return {
      resourceType: r.resourceType,
      requested: r.amount,
      limit: f?.limit ?? 0,
      allocated: f?.allocated ?? 0,
      available: f?.available ?? 0,
      ...(display === undefined ? {} : { display }),
    };
  });
  const short = requests.filter((r) => r.requested > r.available);
  return { consumer, policy, requests: short.length > 0 ? short : requests };
}

/** What the decider would say if these claims were created now, without creating them. */
export function dryRunVerdict(
  options: FiguresOptions,
  planned: readonly { readonly policy: string; readonly claim: ResourceClaim }[],
  now: number,
): Verdict {
  const denials: DenialInput[] = [];
  for (const { policy, claim } of planned) {
    const key = consumerKeyOf(claim.spec.consumerRef);
    if (key === undefined)
      return forbidden(
        misconfiguredMessage(`ClaimCreationPolicy ${policy} rendered a claim without a usable consumerRef`),
      );
    const snapshot = options.caches.snapshot(key, now, { startupWaitMs: options.startupWaitMs ?? 10_000 });
    const hypothetical = {
      namespace: claim.metadata.namespace ?? '',
      name: claim.metadata.name ?? '',
      uid: 'dry-run',
      creationTimestamp: now,
      requests: claim.spec.requests,
      allocations: [],
    };
    const round = decide({ ...snapshot, claims: [...snapshot.claims, hypothetical] });
    const decision = round.decisions.find((d) => d.claim.uid === 'dry-run');
    if (decision?.kind !== 'deny') continue;
    const requests = decision.reasons
      .filter((r) => r.cause !== 'sibling')
      .map(({ resourceType, requested, limit, allocated, available }) => {
        const display = snapshot.registrations.get(resourceType)?.display;
        return {
          resourceType,
          requested,
          limit,
          allocated,
          available,
          ...(display === undefined ? {} : { display }),
        };
      });
    denials.push({ consumer: consumerOf(claim), policy, requests });
  }
  return denials.length === 0 ? allowed() : denialVerdict(denials);
}

/** The 403 for a quota denial: the message for people, the figures as causes for machines. */
export function denialVerdict(denials: readonly DenialInput[]): Verdict {
  return forbidden(denialMessage(denials), { causes: denialCauses(denials) });
}
