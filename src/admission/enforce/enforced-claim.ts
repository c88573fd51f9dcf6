// Creating an admission claim and waiting for its decision, with SPEC §6's retry rules for a claim name that
// already exists: a Granted claim for the same object uid is re-used, a Pending one is waited on, a Denied
// one is replaced. A claim held for another object is replaced only when that object is certainly gone (read
// live: never on the word of the review body); otherwise this create is refused with a retryable conflict, so
// no race can admit an object without a Granted claim for its uid.
import { LABEL_RESOURCE_UID, type ResourceClaim } from '../../api/index.ts';
import {
  type ClaimObject,
  claimSpanAttributes,
  deleteClaim,
  RESOURCES,
  recordedUid,
  type TypedCache,
  withTraceparent,
} from '../../cache/index.ts';
import { claimOutcome } from '../../quota/index.ts';
import {
  type Context,
  inSpan,
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KubeClient,
  SPAN_ATTRIBUTES,
  SpanKind,
  type Tracer,
} from '../../runtime/index.ts';
import type { ClaimWaiter } from './waiter.ts';

export type ClaimResult =
  | {
      readonly kind: 'granted' | 'denied' | 'timeout';
      readonly claim: ResourceClaim;
      readonly created: boolean;
    }
  /** The claim name is held for another object (or another create in flight): refuse, retryable. */
  | { readonly kind: 'held'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

export interface EnforcedClaimDeps {
  readonly client: KubeClient;
  readonly caches: { readonly claims: TypedCache<ResourceClaim> };
  readonly waiter: ClaimWaiter;
  /** The object a claim pays for, read live. */
  readonly findObject: (claim: ResourceClaim, signal: AbortSignal) => Promise<ClaimObject>;
  readonly waitTimeoutMs?: number;
  /** How long a Granted claim whose object has not appeared may still be an admitted create being stored. */
  readonly orphanGraceMs?: number;
  /** The claim-create and wait spans (docs/observability.md). Default: none (the no-op tracer). */
  readonly tracer?: Tracer;
}

/** wait()'s answer when the create found a claim of that name the cache did not show yet. */
type Attempt = ClaimResult | { readonly kind: 'exists' };

const outcomeOf = (claim: ResourceClaim) =>
  claimOutcome(claim.spec.requests, claim.status?.allocations ?? []);

const keyOf = (claim: ResourceClaim) => `${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}`;

/** `trace`: the webhook span's context, the parent of this claim's create and wait spans. */
export async function createAndWait(
  deps: EnforcedClaimDeps,
  claim: ResourceClaim,
  signal: AbortSignal,
  trace?: Context,
): Promise<ClaimResult> {
  // The usual case costs no read: the shared cache shows no claim of this name, so create it. If the cache
  // is behind, the create says AlreadyExists and the claim is read and handled as below.
  if (deps.caches.claims.get(claim.metadata.namespace ?? '', claim.metadata.name ?? '') === undefined) {
    const first = await wait(deps, claim, undefined, signal, true, trace);
    if (first.kind !== 'exists') return first;
  }
  const result = await handleExisting(deps, claim, signal, trace);
  return result.kind === 'exists'
    ? {
        kind: 'held',
        message: `another create made claim ${keyOf(claim)} at the same moment; retry the request`,
      }
    : result;
}

/** SPEC §6's rules for a claim name that is already taken (read live: the decision is about its state now). */
async function handleExisting(
  deps: EnforcedClaimDeps,
  claim: ResourceClaim,
  signal: AbortSignal,
  trace: Context | undefined,
): Promise<Attempt> {
  const uid = claim.metadata.labels?.[LABEL_RESOURCE_UID];
  let replaced: string | undefined;
  const existing = await getClaim(deps.client, claim.metadata.namespace ?? '', claim.metadata.name ?? '');
  if (existing !== undefined) {
    const outcome = outcomeOf(existing);
    const sameObject = recordedUid(existing) === uid;
    if (sameObject && outcome === 'granted') return { kind: 'granted', claim: existing, created: false };
    if (sameObject && outcome === 'pending') return wait(deps, existing, undefined, signal, false, trace);
    if (!sameObject && outcome !== 'denied') {
      const held = await heldFor(deps, existing, outcome, signal);
      if (held !== undefined) return { kind: 'held', message: held };
    }
    replaced = existing.metadata.uid;
    try {
      await deleteClaim(deps.client, existing);
    } catch (error) {
      // The uid precondition failed: another create replaced the claim between our read and the delete.
      if (!isConflict(error)) throw error;
      return {
        kind: 'held',
        message: `another create replaced claim ${keyOf(existing)} at the same moment; retry the request`,
      };
    }
  }
  return wait(deps, claim, replaced, signal, true, trace);
}

/**
 * Why another object's claim must stay, or undefined when its object is certainly gone: it existed (the claim
 * was linked to it) and no longer does, or it never appeared within the orphan grace period. A younger
 * unlinked claim may belong to a create the apiserver admitted and is still storing.
 */
async function heldFor(
  deps: EnforcedClaimDeps,
  existing: ResourceClaim,
  outcome: 'granted' | 'pending',
  signal: AbortSignal,
): Promise<string | undefined> {
  const ref = existing.spec.resourceRef;
  const what = `${ref?.kind ?? 'object'} "${ref?.name ?? ''}"`;
  if (outcome === 'pending') {
    return `another create of ${what} is waiting for its quota decision (claim ${keyOf(existing)}); retry the request`;
  }
  const uid = recordedUid(existing);
  const { object } = await deps.findObject(existing, signal);
  if (object !== undefined) {
    return (
      `${what} already exists (uid ${object.metadata?.uid ?? ''}) and holds claim ${keyOf(existing)}; ` +
      'if it is being deleted, retry once it is gone'
    );
  }
  const linked = uid !== undefined && (existing.metadata.ownerReferences ?? []).some((o) => o.uid === uid);
  const age = Date.now() - Date.parse(existing.metadata.creationTimestamp ?? '');
  const grace = deps.orphanGraceMs ?? 30_000;
  if (linked || !(age < grace)) return undefined;
  const seconds = Math.ceil((grace - age) / 1000);
  return (
    `claim ${keyOf(existing)} was granted to an earlier create of ${what} (uid ${uid ?? 'unknown'}) that may ` +
    `still be stored; it is released within ${seconds} s if that object never appears: retry then`
  );
}

async function wait(
  deps: EnforcedClaimDeps,
  claim: ResourceClaim,
  ignoreUid: string | undefined,
  signal: AbortSignal,
  create: boolean,
  trace: Context | undefined,
): Promise<Attempt> {
  const namespace = claim.metadata.namespace ?? '';
  const name = claim.metadata.name ?? '';
  const { tracer } = deps;
  const spanOf = () => ({ parent: trace, attributes: claimSpanAttributes(claim) });
  const waiting = deps.waiter.register(namespace, name, deps.waitTimeoutMs ?? 8_000, signal, ignoreUid);
  let current = claim;
  try {
    // the claim carries its create span's traceparent: the decision span is its child (claim-tracing.ts)
    if (create)
      current = await inSpan(
        tracer,
        'quota.claim.create',
        () => ({ ...spanOf(), kind: SpanKind.CLIENT }),
        (span) => deps.client.create(RESOURCES.claims, withTraceparent(claim, span), { signal }),
      );
    waiting.bindUid(current.metadata.uid);
    // An existing claim may have been decided between our read and the registration: look once more.
    if (!create) {
      const fresh = await getClaim(deps.client, namespace, name);
      if (fresh !== undefined) deps.waiter.observe(fresh);
    }
  } catch (error) {
    waiting.cancel();
    const message = error instanceof Error ? error.message : String(error);
    if (isAlreadyExists(error)) return { kind: 'exists' };
    return { kind: 'error', message: `creating claim ${namespace}/${name}: ${message}` };
  }
  const result = await inSpan(tracer, 'quota.claim.wait', spanOf, async (span) => {
    const answer = await waiting.result;
    span.setAttribute(SPAN_ATTRIBUTES.outcome, answer.outcome);
    return answer;
  });
  switch (result.outcome) {
    case 'granted':
    case 'denied':
      return { kind: result.outcome, claim: result.claim, created: create };
    case 'deleted':
      // Only a racing create of the same name (or an admin) deletes a claim being decided: retryable.
      return {
        kind: 'held',
        message: `claim ${namespace}/${name} was deleted while waiting for its decision; retry the request`,
      };
    default:
      return { kind: 'timeout', claim: current, created: create };
  }
}

/**
 * Deletes the claims a refused create made: granted siblings, pending and denied ones. A claim it only
 * re-used stays: it may pay for an object that exists (a replayed review), and the orphan cleanup frees it
 * after the grace period if not.
 */
export async function releaseClaims(
  deps: { readonly client: KubeClient },
  results: readonly ClaimResult[],
): Promise<void> {
  const made = results.flatMap((r) => ('claim' in r && r.created ? [r.claim] : []));
  await Promise.all(made.map((claim) => deleteClaim(deps.client, claim).catch(() => {})));
}

async function getClaim(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<ResourceClaim | undefined> {
  try {
    return await client.get<ResourceClaim>(RESOURCES.claims, namespace, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
