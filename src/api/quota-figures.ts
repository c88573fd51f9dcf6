// A quota refusal's figures in machine-readable form. The enforcement webhook's 403 names, for each request
// that did not fit, its four figures in base units as `status.details.causes` entries: `field` says which
// figure of which request (`claims[0].requests[compute.miloapis.com/vcpus].available`), `message` is the
// figure alone (`2000`), `reason` is QuotaExceeded. The apiserver passes a webhook's details through, so a
// client reads figures without parsing the human message (which also shows display units: docs/design.md).

export const QUOTA_FIGURE_NAMES = ['requested', 'limit', 'allocated', 'available'] as const;
export type QuotaFigureName = (typeof QUOTA_FIGURE_NAMES)[number];

/** The reason on every figure cause (Milo's claim reason for a denial). */
export const QUOTA_FIGURE_CAUSE_REASON = 'QuotaExceeded';

/** One request that did not fit: its figures in base units. */
export interface QuotaFigures {
  readonly resourceType: string;
  readonly requested: number;
  readonly limit: number;
  readonly allocated: number;
  readonly available: number;
}

/** A refused request as a client reads it back: `claim` is the index of the claim in the refusal. */
export interface RefusedRequest extends QuotaFigures {
  readonly claim: number;
}

/** metav1.StatusCause. */
export interface QuotaFigureCause {
  readonly reason: string;
  readonly field: string;
  readonly message: string;
}

/** The causes for a refusal of `claims` (one list of short requests per denied claim). */
export function quotaFigureCauses(claims: readonly (readonly QuotaFigures[])[]): QuotaFigureCause[] {
  return claims.flatMap((requests, claim) =>
    requests.flatMap((request) =>
      QUOTA_FIGURE_NAMES.map((name) => ({
        reason: QUOTA_FIGURE_CAUSE_REASON,
        field: `claims[${claim}].requests[${request.resourceType}].${name}`,
        message: String(request[name]),
      })),
    ),
  );
}

const FIELD = /^claims\[(\d+)\]\.requests\[(.+)\]\.(requested|limit|allocated|available)$/;
const WHOLE = /^\d+$/;

/**
 * The refused requests named by `causes` (any value: it comes off the wire), in the order first named.
 * Causes of another shape are skipped; a request missing any of its four figures is left out.
 */
export function quotaFiguresFromCauses(causes: unknown): RefusedRequest[] {
  if (!Array.isArray(causes)) return [];
  const found = new Map<string, { claim: number; resourceType: string; figures: Map<string, number> }>();
  for (const cause of causes as unknown[]) {
    if (typeof cause !== 'object' || cause === null) continue;
    const { reason, field, message } = cause as Record<string, unknown>;
    if (reason !== QUOTA_FIGURE_CAUSE_REASON || typeof field !== 'string' || typeof message !== 'string')
      continue;
    const match = FIELD.exec(field);
    if (match === null || !WHOLE.test(message)) continue;
    const [, claim = '', resourceType = '', name = ''] = match;
    const value = Number(message);
    if (!Number.isSafeInteger(value)) continue;
    const key = `${claim}\u0000${resourceType}`;
    const entry = found.get(key) ?? { claim: Number(claim), resourceType, figures: new Map() };
    entry.figures.set(name, value);
    found.set(key, entry);
  }
  const requests: RefusedRequest[] = [];
  for (const { claim, resourceType, figures } of found.values()) {
    const [requested, limit, allocated, available] = QUOTA_FIGURE_NAMES.map((name) => figures.get(name));
    if (requested === undefined || limit === undefined || allocated === undefined || available === undefined)
      continue;
    requests.push({ claim, resourceType, requested, limit, allocated, available });
  }
  return requests;
}
