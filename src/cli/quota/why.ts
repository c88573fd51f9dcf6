// The plain-language reasons `explain` gives, from the claim's decision and its buckets' figures.
import type { ExplainReport, RequestExplanation } from './explain-report.ts';
import { shown } from './registrations.ts';

type Facts = Omit<ExplainReport, 'why'>;

interface Figures {
  readonly available?: number;
  readonly limit?: number;
  readonly allocated?: number;
}

function shortfall(r: RequestExplanation, figures: Figures): string {
  const { available, limit, allocated } = figures;
  const show = (value: number | undefined) => shown(value, r.units);
  const of = limit === undefined ? '' : ` of ${show(limit)}`;
  const used = allocated === undefined ? '' : ` (${show(allocated)} allocated to other claims)`;
  return `${r.resourceType}: requested ${show(r.requested)} but only ${show(available)}${of} available${used}`;
}

function deniedLines(facts: Facts): string[] {
  if (facts.decision.outcome !== 'denied') return [];
  if (facts.decision.reason === 'ValidationFailed') {
    return [
      `The claim is invalid for the registered resource types: ${facts.decision.message}`,
      'Fix the claim or the ResourceRegistration, then delete the claim and create it again (decisions are final).',
    ];
  }
  const denied = facts.requests.filter((r) => r.status === 'Denied');
  // A claim's status holds no figures (Milo's schema has none): the bucket's are today's, not the decision's.
  const figuresOf = (r: RequestExplanation): Figures => r.bucket ?? {};
  // The requests that did not fit; the others were denied with them (all or nothing).
  const short = denied.filter((r) => {
    const { available } = figuresOf(r);
    return available !== undefined && available < r.requested;
  });
  const causes =
    short.length > 0
      ? short.map((r) => shortfall(r, figuresOf(r)))
      : denied.map((r) => `${r.resourceType}: ${r.message ?? 'denied'}`);
  const who = facts.consumer === undefined ? 'the consumer' : `${facts.consumer.kind} ${facts.consumer.name}`;
  return [
    ...causes,
    'Claims are all or nothing: this claim holds no capacity for any of its requests.',
    `To proceed: raise the quota of ${who} with a new or larger ResourceGrant, or release other claims; then delete this claim and create it again (a denial is final).`,
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
