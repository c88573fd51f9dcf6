// The words a refused create comes back with (SPEC §6): starts with Milo's "Insufficient quota resources
// available", then names for each request that does not fit its figures, the consumer and the policy, so
// the user knows what to ask for. Milo hid all of this in its logs.
import type { ConsumerRef } from '../api/index.ts';

export interface ShortRequest {
  readonly resourceType: string;
  readonly requested: number;
  readonly limit: number;
  readonly allocated: number;
  readonly available: number;
}

export interface DenialInput {
  readonly consumer: ConsumerRef;
  readonly policy: string;
  readonly requests: readonly ShortRequest[];
}

export const DENIAL_PREFIX = 'Insufficient quota resources available';
const ADVICE = 'Review your quota usage and reach out to support if you need additional resources.';

export function consumerText(ref: ConsumerRef): string {
  const group = ref.apiGroup ? `${ref.apiGroup}/` : '';
  const ns = ref.namespace ? `${ref.namespace}/` : '';
  return `${group}${ref.kind} ${ns}${ref.name}`;
}

export function denialMessage(denials: readonly DenialInput[]): string {
  const parts = denials.map((d) => {
    const figures = d.requests
      .map(
        (r) =>
          `${r.resourceType}: requested ${r.requested}, limit ${r.limit}, allocated ${r.allocated}, available ${r.available}`,
      )
      .join('; ');
    return `${figures} (consumer ${consumerText(d.consumer)}, policy ${d.policy})`;
  });
  return `${DENIAL_PREFIX}: ${parts.join('; ')}. ${ADVICE}`;
}
