// The plain-language reasons `explain` gives, from the claim's decision and its buckets' figures.
import type { ExplainReport, RequestExplanation } from './explain.ts';
import { consumerTitle } from './usage-printer.ts';

type Facts = Omit<ExplainReport, 'why'>;

interface Figures {
  readonly available?: number;
  readonly limit?: number;
  readonly allocated?: number;
}

function shortfall(r: RequestExplanation, figures: Figures): string {
  const { available, limit, allocated } = figures;
  if (available === undefined)
    return `${r.resourceType}: requested ${r.requested}, which did not fit (${r.message ?? 'no detail'})`;
  const of = limit === undefined ? '' : ` of ${limit}`;
  const used = allocated === undefined ? '' : ` (${allocated} allocated to other claims)`;
  return `${r.resourceType}: requested ${r.requested} but only ${available}${of} available${used}`;
}

function deniedLines(facts: Facts): string[] {
  if (facts.decision.outcome !== 'denied') return [];
  if (facts.decision.reason === 'ValidationFailed') {
    return [
      `The claim is invalid for the registered resource types: ${facts.decision.message}`,
      'Fix the claim or the ResourceRegistration, then delete the claim and create it again (decisions are final).',
    ];
  }
  const parsed = new Map(facts.decision.denials.map((d) => [d.resourceType, d]));
  const causes = facts.requests
    .filter((r) => r.status === 'Denied')
    .map((r) => ({ r, figures: (r.bucket ?? parsed.get(r.resourceType) ?? {}) as Figures }))
    .filter(({ r, figures }) => figures.available === undefined || figures.available < r.requested)
    .map(({ r, figures }) => shortfall(r, figures));
  const who = facts.consumer === undefined ? 'the consumer' : consumerTitle(facts.consumer);
  return [
    ...causes,
    'Claims are all or nothing: this claim holds no capacity for any of its requests.',
    `To proceed: get more quota for ${who} (a new or larger ResourceGrant) or release other claims, then delete this claim and create it again (a denial is final).`,
  ];
}

function pendingLines(facts: Facts): string[] {
  if (facts.decision.outcome !== 'pending') return [];
  const undecided = facts.requests.every((r) => r.status === 'Pending') && facts.decidedAt === undefined;
  if (undecided) {
    return [
      'No decision has been recorded yet. If this lasts more than a few seconds, check that the quota operator is running.',
    ];
  }
  return [`Not decided yet: ${facts.decision.message}`];
}

export function whyLines(facts: Facts): string[] {
  const lines =
    facts.decision.outcome === 'granted'
      ? [
          'Every request fitted in its bucket when the claim was decided; the capacity stays allocated until the claim is deleted.',
        ]
      : [...deniedLines(facts), ...pendingLines(facts)];
  const bucketless = facts.requests.filter((r) => r.bucket === undefined).map((r) => r.resourceType);
  if (bucketless.length > 0 && facts.decision.outcome !== 'granted') {
    lines.push(
      `No AllowanceBucket found for ${bucketless.join(', ')}: the consumer has no Active grant for it yet, or you may not read its bucket.`,
    );
  }
  return lines;
}
