// Creating an admission claim and waiting for its decision, with SPEC §6's retry rules for a claim name that
// already exists: a Granted claim for the same object uid is re-used, a Pending one is waited on, a Denied
// one is replaced. A claim held by another object uid is replaced if that object is gone; if it still
// exists, this create is a duplicate the apiserver will refuse, so no claim is made for it.
import { LABEL_RESOURCE_UID, type ResourceClaim } from '../api/index.ts';
import { deleteClaim, RESOURCES, type TypedCache } from '../controllers/index.ts';
import { claimOutcome } from '../quota/index.ts';
import { isAlreadyExists, isNotFound, type KubeClient, kubeRequest, resourcePath } from '../runtime/index.ts';
import type { AdmissionRequest } from './review.ts';
import type { ClaimWaiter } from './waiter.ts';

export type ClaimResult =
  | { readonly kind: 'granted' | 'denied'; readonly claim: ResourceClaim; readonly created: boolean }
  | { readonly kind: 'timeout'; readonly claim: ResourceClaim }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'error'; readonly message: string; readonly claim?: ResourceClaim };

interface Deps {
  readonly client: KubeClient;
  readonly caches: { readonly claims: TypedCache<ResourceClaim> };
  readonly waiter: ClaimWaiter;
  readonly waitTimeoutMs?: number;
}

/** wait()'s answer when the create found a claim of that name the cache did not show yet. */
type Attempt = ClaimResult | { readonly kind: 'exists' };

const outcomeOf = (claim: ResourceClaim) =>
  claimOutcome(claim.spec.requests, claim.status?.allocations ?? []);

export async function createAndWait(
  deps: Deps,
  request: AdmissionRequest,
  claim: ResourceClaim,
  signal: AbortSignal,
): Promise<ClaimResult> {
  const namespace = claim.metadata.namespace ?? '';
  const name = claim.metadata.name ?? '';
  // The usual case costs no read: the shared cache shows no claim of this name, so create it. If the cache
  // is behind, the create says AlreadyExists and the claim is read and handled as below.
  if (deps.caches.claims.get(namespace, name) === undefined) {
    const first = await wait(deps, claim, undefined, signal, true);
    if (first.kind !== 'exists') return first;
  }
  const result = await handleExisting(deps, request, claim, signal);
  return result.kind === 'exists'
    ? { kind: 'error', message: `claim ${namespace}/${name} was created concurrently; retry` }
    : result;
}

/** SPEC §6's rules for a claim name that is already taken (read live: the decision is about its state now). */
async function handleExisting(
  deps: Deps,
  request: AdmissionRequest,
  claim: ResourceClaim,
  signal: AbortSignal,
): Promise<Attempt> {
  const namespace = claim.metadata.namespace ?? '';
  const name = claim.metadata.name ?? '';
  const uid = claim.metadata.labels?.[LABEL_RESOURCE_UID];
  let replaced: string | undefined;
  const existing = await getClaim(deps.client, namespace, name);
  if (existing !== undefined) {
    const outcome = outcomeOf(existing);
    const sameObject = existing.metadata.labels?.[LABEL_RESOURCE_UID] === uid;
    if (sameObject && outcome === 'granted') return { kind: 'granted', claim: existing, created: false };
    if (sameObject && outcome === 'pending') return wait(deps, existing, undefined, signal, false);
    if (
      !sameObject &&
      outcome === 'granted' &&
      (await objectExists(deps.client, request, claim.spec.resourceRef?.name ?? ''))
    )
      return { kind: 'duplicate' };
    replaced = existing.metadata.uid;
    await deleteClaim(deps.client, existing);
  }
  return wait(deps, claim, replaced, signal, true);
}

async function wait(
  deps: Deps,
  claim: ResourceClaim,
  ignoreUid: string | undefined,
  signal: AbortSignal,
  create: boolean,
): Promise<Attempt> {
  const namespace = claim.metadata.namespace ?? '';
  const name = claim.metadata.name ?? '';
  const waiting = deps.waiter.register(namespace, name, deps.waitTimeoutMs ?? 8_000, signal, ignoreUid);
  let current = claim;
  try {
    if (create) current = await deps.client.create(RESOURCES.claims, claim, { signal });
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
  const result = await waiting.result;
  switch (result.outcome) {
    case 'granted':
    case 'denied':
      return { kind: result.outcome, claim: result.claim, created: create };
    case 'deleted':
      return {
        kind: 'error',
        message: `claim ${namespace}/${name} was deleted while waiting for its decision`,
      };
    default:
      return { kind: 'timeout', claim: current };
  }
}

/** Deletes every claim a refused create made or re-used: granted siblings, pending and denied ones. */
export async function releaseClaims(
  deps: { readonly client: KubeClient },
  results: readonly ClaimResult[],
): Promise<void> {
  const claims = results.flatMap((r) => ('claim' in r && r.claim !== undefined ? [r.claim] : []));
  await Promise.all(claims.map((claim) => deleteClaim(deps.client, claim).catch(() => {})));
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

/** Whether an object of the request's kind named `name` exists (so this create will fail as a duplicate). The
 * name is the object's, which the apiserver has generated before admission for a generateName create. */
async function objectExists(client: KubeClient, request: AdmissionRequest, name: string): Promise<boolean> {
  const { group, version, resource } = request.resource;
  const namespace = request.namespace ?? '';
  const ref = { group, version, plural: resource, namespaced: namespace !== '' };
  try {
    await kubeRequest(client.kubeConfig, {
      method: 'GET',
      path: resourcePath(ref, namespace, name),
    });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
