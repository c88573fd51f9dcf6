// The Instance reconciler: deferred provisioning on a service-managed claim (SPEC §7).
//
// Each pass reads the Instance and its claim from the shared caches, creates the claim if there is none
// (ensureClaim: deterministic name, ownerReference, resourceRef), reads the claim's decision, provisions
// only once it is granted, and writes the status planStatus computes. It never polls: the claim informer
// re-queues the Instance whenever its claim changes, and only provisioning asks to be called back.
//
// Release needs no finalizer. The claim's ownerReference lets the garbage collector delete it with the
// Instance; the reconciler also deletes it itself as soon as it sees the Instance gone, so the quota is freed
// at once even where the garbage collector is slow (it discovers new CRDs on a 30 s resync) or not running.
import type { KubeConfig } from '@kubernetes/client-node';
import {
  buildClaim,
  ClaimOwnerMismatchError,
  claimDecision,
  ensureClaim,
  releaseClaim,
  specDifferences,
} from '@milo-quota/client';
import type { ResourceClaim } from '@milo-quota/client/api';
import {
  type CacheReader,
  isNotFound,
  type KubeClient,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
  TerminalError,
} from '@milo-quota/client/runtime';
import { belongsToAnother, claimNameOf, claimOptionsFor } from './claim.ts';
import { INSTANCES, type Instance, instanceSpecProblems } from './instance.ts';
import type { Provisioner } from './provisioner.ts';
import { planStatus } from './status.ts';

export const FIELD_MANAGER = 'instance-service';
/** After releasing a stale claim, or while one is being deleted: look again this soon. */
const RETRY_STALE_MS = 500;

export interface InstanceReconcilerDeps {
  readonly kubeConfig: KubeConfig;
  readonly client: KubeClient;
  readonly instances: CacheReader;
  readonly claims: CacheReader;
  readonly provisioner: Provisioner;
  /** Default: new Date(). */
  readonly now?: () => Date;
}

type ClaimLookup = { readonly claim: ResourceClaim } | { readonly retryAfterMs: number };

/** The Instance's claim: from the cache, else created (or fetched) by ensureClaim. */
async function instanceClaim(
  deps: InstanceReconcilerDeps,
  ctx: ReconcileContext,
  instance: Instance,
): Promise<ClaimLookup> {
  const options = claimOptionsFor(instance);
  const ref = { namespace: options.namespace, name: claimNameOf(options.namespace, options.owner.name) };
  const cached = deps.claims.get(ref.namespace, ref.name) as ResourceClaim | undefined;
  if (cached !== undefined && belongsToAnother(cached, instance)) {
    // Left by an earlier Instance of this name: it must not pay for this one.
    await releaseClaim(deps.kubeConfig, ref);
    ctx.log.info('released a claim left by an earlier Instance of the same name', { claim: ref.name });
    return { retryAfterMs: RETRY_STALE_MS };
  }
  if (cached !== undefined && cached.metadata.deletionTimestamp === undefined) {
    const diff = specDifferences(cached.spec, buildClaim(options).spec)[0];
    if (diff !== undefined) {
      throw new TerminalError(
        `ResourceClaim ${ref.namespace}/${ref.name} has ${diff.field} ${diff.existing}, the Instance wants ${diff.wanted}: ` +
          'claims are immutable; delete and recreate the Instance (spec.vcpus and spec.organization are immutable)',
      );
    }
    return { claim: cached };
  }
  try {
    const { claim, created } = await ensureClaim(deps.kubeConfig, options);
    if (created) ctx.log.info('created quota claim', { claim: ref.name });
    return { claim };
  } catch (error) {
    if (!(error instanceof ClaimOwnerMismatchError)) throw error;
    // Being deleted: wait until it is gone. An earlier owner's: release it, then claim afresh.
    if (error.field !== 'metadata.deletionTimestamp') await releaseClaim(deps.kubeConfig, ref);
    return { retryAfterMs: RETRY_STALE_MS };
  }
}

/** The Instance is not in the cache: once the API confirms it is gone, free its quota and its VM. */
async function releaseGone(deps: InstanceReconcilerDeps, ctx: ReconcileContext, req: Request) {
  const ref = { namespace: req.namespace, name: claimNameOf(req.namespace, req.name) };
  await deps.provisioner.release(req.namespace, req.name);
  if (deps.claims.get(ref.namespace, ref.name) === undefined) return {};
  try {
    await deps.client.get(INSTANCES, req.namespace, req.name, ctx.signal);
    return { requeueAfterMs: RETRY_STALE_MS }; // the cache lags behind a new Instance: look again
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (await releaseClaim(deps.kubeConfig, ref)) ctx.log.info('released quota', { claim: ref.name });
  return {};
}

export function instanceReconciler(deps: InstanceReconcilerDeps): Reconciler {
  const now = deps.now ?? (() => new Date());
  return async (ctx, req): Promise<Result> => {
    const instance = deps.instances.get(req.namespace, req.name) as Instance | undefined;
    if (instance === undefined) return releaseGone(deps, ctx, req);
    // Being deleted (another controller's finalizer, foreground deletion): nothing to provision or report.
    if (instance.metadata.deletionTimestamp !== undefined) return {};
    const problems = instanceSpecProblems(instance);
    if (problems.length > 0) {
      throw new TerminalError(`Instance ${req.namespace}/${req.name}: ${problems.join('; ')}`);
    }
    const lookup = await instanceClaim(deps, ctx, instance);
    if ('retryAfterMs' in lookup) return { requeueAfterMs: lookup.retryAfterMs };
    const decision = claimDecision(lookup.claim);
    const provision = decision.outcome === 'granted' ? await deps.provisioner.provision(instance) : undefined;
    if (decision.outcome === 'denied') await deps.provisioner.release(req.namespace, req.name);
    const plan = planStatus(
      instance.status,
      {
        generation: instance.metadata.generation,
        vcpus: instance.spec.vcpus,
        claimName: lookup.claim.metadata.name ?? '',
        decision,
        provision,
      },
      now(),
    );
    if (plan.changed) {
      await deps.client.patchStatus(INSTANCES, req.namespace, req.name, plan.status, {
        fieldManager: FIELD_MANAGER,
        signal: ctx.signal,
      });
      ctx.log.debug('status written', { phase: plan.status.phase });
    }
    return plan.requeueAfterMs === undefined ? {} : { requeueAfterMs: plan.requeueAfterMs };
  };
}
