// The figures of a create the enforcement webhook refused for quota, read from the refusal's structured
// status.details.causes (src/api/quota-figures.ts), never from its message: the message is for people and
// shows display units next to the base figures.
import { quotaFiguresFromCauses, type RefusedRequest } from '../api/index.ts';

function parsed(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function causesOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const details = (value as { details?: unknown }).details;
  if (typeof details !== 'object' || details === null) return undefined;
  return (details as { causes?: unknown }).causes;
}

/**
 * The requests a quota refusal names, in base units: `claim` (which of the refusal's claims), resourceType,
 * requested, limit, allocated, available. `refusal` is what the create failed with: a KubeApiError (its
 * `body` is the apiserver's Status), a client-node ApiException (its `body` is the Status as JSON text), an
 * error whose `cause` is one of these, or the Status itself. Empty for anything else, including refusals that
 * are not for quota.
 */
export function refusalFigures(refusal: unknown): RefusedRequest[] {
  const seen = new Set<unknown>();
  let current: unknown = refusal;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const direct = quotaFiguresFromCauses(causesOf(current));
    if (direct.length > 0) return direct;
    const fromBody = quotaFiguresFromCauses(causesOf(parsed((current as { body?: unknown }).body)));
    if (fromBody.length > 0) return fromBody;
    current = (current as { cause?: unknown }).cause;
  }
  return [];
}
