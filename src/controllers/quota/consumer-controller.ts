// The consumer reconciler: one consumer is one unit of work (never two workers on it at once). Each pass
// snapshots the consumer's registrations, grants and unsettled claims from the caches (settled claims are
// running totals: settled-claims.ts), overlays the decisions still in flight (the ledger), lets the pure
// engine decide every open claim in FCFS order, writes each decided
// claim's status with a resourceVersion precondition, and derives the buckets, which the bucket writer
// writes off the decision path (coalesced, budgeted: bucket-writer.ts). It is the only writer of claim
// status and bucket objects. Claims' allocations are the source of truth; buckets lag them briefly and a
// crash before a bucket write heals on the next pass.
import {
  type AllowanceBucket,
  CONDITION_ACTIVE,
  CONDITION_READY,
  type ResourceClaim,
  statusEqual,
} from '../../api/index.ts';
import {
  asKubeObject,
  BY_CONSUMER,
  bucketConsumer,
  claimConsumer,
  type DecisionContexts,
  DecisionTracing,
  grantConsumer,
  type QuotaCache,
  RESOURCES,
  toClaimInput,
} from '../../cache/index.ts';
import {
  type BucketNameFn,
  bucketName,
  type ConsumerIdentity,
  claimKey,
  type Decision,
  decide,
  type Ledger,
  parseConsumerKey,
} from '../../quota/index.ts';
import {
  type ControllerHost,
  type EventRecorder,
  errorFields,
  eventObjects,
  isConflict,
  isNotFound,
  KubeApiError,
  type KubeObject,
  type ObjectEvent,
  objectKey,
  type Reconciler,
  type Request,
  type Tracer,
} from '../../runtime/index.ts';
import { settleAll } from '../concurrency.ts';
import { specOrCondition } from '../predicates.ts';
import { writeStatus } from '../status-writer.ts';
import { type AmbiguousWrite, ambiguousFate } from './ambiguous.ts';
import type { BucketBudgetOptions } from './bucket-budget.ts';
import { type BucketPlan, planBuckets } from './bucket-sync.ts';
import { BucketWriter } from './bucket-writer.ts';
import { consumerKeyFromRequest, consumerRequest } from './consumer-request.ts';
import { type QuotaMetrics, quotaMetrics } from './metrics.ts';
import { PassPacer, type PassPacerOptions } from './pass-pacer.ts';
import { PlanGate, type PlanTicket } from './plan-gate.ts';
import { SettledClaims } from './settled-claims.ts';
import { nextClaimStatus } from './status.ts';

export interface ConsumerControllerOptions {
  /** Namespace of a consumer's buckets (SPEC §4.1: a CEL expression over `consumer`, compiled). */
  readonly bucketNamespace: (consumer: ConsumerIdentity) => string;
  /** Name of a consumer's bucket for a resourceType (`--bucket-placement`). Default bucketName. */
  readonly bucketName?: BucketNameFn;
  /** How long an unreferenced bucket stays before it is deleted. Default 60 s. */
  readonly bucketGracePeriodMs?: number;
  /** The start-up race window (SPEC §4.6). Default 10 s. */
  readonly startupWaitMs?: number;
  /** Claim status writes in flight per consumer. Default 32. */
  readonly writeConcurrency?: number;
  /** Consumers reconciled at once (each consumer still by one worker). Default 4. */
  readonly workers?: number;
  /** The bucket write budget (bucket-budget.ts): by default one bucket write per ten claim writes. */
  readonly bucketBudget?: BucketBudgetOptions;
  /** How a busy consumer's passes are spaced (pass-pacer.ts). */
  readonly pacing?: PassPacerOptions;
  /** Decision and status-write spans (claim-tracing.ts). Default: none (the no-op tracer). */
  readonly tracer?: Tracer;
}

interface Pass {
  readonly key: string;
  readonly consumer: ConsumerIdentity;
  readonly now: Date;
  readonly signal: AbortSignal;
  /** The decision spans' contexts by claim key (tracing). */
  readonly traces?: DecisionContexts;
}

export interface ConsumerController {
  /** Another controller wrote a status that bucket writes should give way to (a grant's). */
  readonly statusWritten: () => void;
}

export function setupConsumerController(
  mgr: ControllerHost,
  caches: QuotaCache,
  options: ConsumerControllerOptions,
): ConsumerController {
  const ledger = caches.ledger;
  const metrics = quotaMetrics(mgr.registry);
  const events = mgr.eventRecorder({ component: 'milo-quota-operator' });
  const firstSeen = new Map<string, number>();
  const ambiguous = new Map<string, AmbiguousWrite>();
  const buckets = new BucketWriter({
    client: mgr.client,
    buckets: caches.buckets,
    fence: () => mgr.assertLeading(),
    logger: mgr.logger.child({ runnable: 'bucket-writer' }),
    ...(options.bucketBudget ? { budget: options.bucketBudget } : {}),
  });
  mgr.add(buckets);
  const echoes = new Map<string, Echo>();
  const writes: ClaimWrites = { mgr, ledger, ambiguous, metrics, events, firstSeen, buckets, echoes, caches };
  const tracing = new DecisionTracing(options.tracer);
  const writeClaims = claimWriter(writes, options.writeConcurrency ?? 32, tracing);

  // registered before the controller's own handlers, so a pass never sees a claim event it has not counted
  const settledClaims = new SettledClaims(caches.claims.informer);
  const plans = new PlanGate<BucketPlan>();
  const pacer = new PassPacer(options.pacing);
  const nameBucket = options.bucketName ?? bucketName;
  const retries = new Map<string, number>();
  const log = mgr.logger.child({ controller: 'consumer' });
  // After a pass's claim writes settle (the pass itself has long returned): release its bucket plan when no
  // earlier write is still in flight, and look again where a write failed (backing off while they keep failing).
  const afterWrites = (req: Request, key: string, ticket: PlanTicket, failures: unknown[]): void => {
    const plan = plans.settle(ticket, failures.length > 0);
    if (plan !== undefined) buckets.apply(plan);
    if (failures.length === 0) {
      retries.delete(key);
      return;
    }
    const definite = failures.filter((f) => !isAmbiguous(f));
    if (definite.length === 0) {
      controller.enqueue(req, AMBIGUOUS_RECHECK_MS); // a live read settles them (settleAmbiguous)
      return;
    }
    const attempt = (retries.get(key) ?? 0) + 1;
    retries.set(key, attempt);
    // a 409 means the claim changed under the pass (another writer, a newer copy): deciding again is routine
    const level = definite.every(isConflict) ? 'debug' : 'error';
    log[level]('claim status writes failed; deciding again', {
      consumer: key,
      failed: definite.length,
      attempt,
      ...errorFields(definite[0]),
    });
    controller.enqueue(req, Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_MAX_MS));
  };

  let decidingSince: number | undefined; // the first pass: start-up windows never end before it + the window
  // A pass decides, assumes its decisions in the ledger, sends the claim writes and returns without waiting
  // for them: the consumer's next pass (claims that came meanwhile) starts at once, its snapshot overlaid
  // with the writes still in flight, so the writes of successive passes overlap (pipelining).
  const reconcile: Reconciler = async (ctx, req) => {
    const key = consumerKeyFromRequest(req);
    if (key === undefined) return {};
    const started = performance.now();
    const pause = pacer.wait(key, started);
    if (pause > 0) return { requeueAfterMs: pause }; // the claims that come meanwhile join the next pass
    decidingSince ??= Date.now();
    mgr.assertLeading(); // fencing, once per pass (and again before each write below)
    const pass: Pass = { key, consumer: parseConsumerKey(key), now: new Date(), signal: ctx.signal };
    const unsettled = await settleAmbiguous(writes, pass, () => caches.claims.byIndex(BY_CONSUMER, key));
    // From here to the writes being sent nothing awaits: the ledger holds this pass's decisions before
    // the next pass of the consumer can run.
    const view = settledClaims.view(key);
    const snapshot = caches.snapshot(key, pass.now.getTime(), {
      startupWaitMs: options.startupWaitMs ?? 10_000,
      decidingSince,
      view,
      observe: true,
    });
    const { round, traces } = tracing.decide(view.claims, pass.now.getTime(), () =>
      decide({ ...snapshot, bucketName: nameBucket }),
    );
    // The buckets follow the claim writes (never ahead of them): the gate hands this plan to the bucket
    // writer once the writes below and those of earlier passes have landed.
    const plan = planBuckets({
      consumerKey: key,
      consumer: pass.consumer,
      namespace: options.bucketNamespace(pass.consumer),
      name: nameBucket,
      figures: round.figures,
      existing: buckets.consumerBuckets(key),
      now: pass.now,
      gracePeriodMs: options.bucketGracePeriodMs ?? 60_000,
    });
    const ticket = plans.open(key, plan);
    void writeClaims({ ...pass, traces }, view.claims, round.decisions).then(
      (failures) => afterWrites(req, key, ticket, failures),
      (error: unknown) => afterWrites(req, key, ticket, [error]),
    );
    for (const f of round.figures.values()) {
      const { kind: consumer_kind, name: consumer_name } = pass.consumer;
      metrics.bucket({ consumer_kind, consumer_name, resource_type: f.resourceType }, f);
    }
    const waits = round.decisions.flatMap((d) => (d.kind === 'wait' ? [d.until - pass.now.getTime()] : []));
    // A write whose fate is unknown is settled by a live read on the next pass, a second from now.
    const settle = unsettled ? AMBIGUOUS_RECHECK_MS : Number.POSITIVE_INFINITY;
    const next = Math.min(...waits, plan.recheckMs ?? Number.POSITIVE_INFINITY, settle);
    pacer.passed(key, started, performance.now());
    return Number.isFinite(next) ? { requeueAfterMs: Math.max(1, next) } : {};
  };

  const controller = mgr.newController({
    name: 'consumer',
    reconciler: reconcile,
    maxConcurrentReconciles: options.workers ?? 4,
  });
  const toRequests =
    (keysOf: (obj: KubeObject) => string[]) =>
    (event: Parameters<typeof eventObjects>[0]): Request[] =>
      eventObjects(event).flatMap(keysOf).map(consumerRequest);
  controller.watch({
    informer: caches.claims.informer,
    map: (event) => {
      trackFirstSeen(firstSeen, event);
      const key = objectKey(event.object);
      if (event.type === 'delete') {
        ambiguous.delete(key); // nothing left to settle
        ledger.forget(key);
      }
      if (event.type === 'update' && !decisionInputChanged(event.oldObject, event.object)) return [];
      if (ownEcho(echoes, ledger, key, event)) return []; // the pass that wrote it has done the rest
      // Settled by another writer: passes no longer read the claim, so its assumption ends here.
      if (event.type === 'update' && ledger.has(key))
        ledger.observe(toClaimInput(event.object as ResourceClaim));
      return toRequests(claimConsumer)(event);
    },
  });
  controller.watch({ informer: caches.grants.informer, map: toRequests(grantConsumer) });
  controller.watch({
    informer: caches.buckets.informer,
    // a bucket event that only shows the writer's own write needs no pass
    map: (event) =>
      buckets.ownEcho(event.object as AllowanceBucket, event.type === 'delete')
        ? []
        : toRequests(bucketConsumer)(event),
  });
  // Registrations and grant policies change what every consumer may get: re-run all known consumers.
  const everyConsumer = (): Request[] =>
    [
      ...new Set([
        ...caches.claims.informer.list().flatMap(claimConsumer),
        ...caches.grants.informer.list().flatMap(grantConsumer),
      ]),
    ].map(consumerRequest);
  controller.watch({
    informer: caches.registrations.informer,
    map: everyConsumer,
    predicates: [specOrCondition(CONDITION_ACTIVE)],
  });
  controller.watch({
    informer: caches.grantPolicies.informer,
    map: everyConsumer,
    predicates: [specOrCondition(CONDITION_READY)],
  });
  return { statusWritten: () => buckets.claimWritten() };
}

/**
 * When each undecided claim was first seen, for the decision latency metric. An entry goes when the claim is
 * decided (by this replica or, seen through the watch, by another) or deleted, so a standby replica that
 * never decides does not keep one per claim.
 */
function trackFirstSeen(firstSeen: Map<string, number>, event: ObjectEvent): void {
  const uid = event.object.metadata?.uid;
  if (uid === undefined) return;
  const decided = ((event.object as ResourceClaim).status?.allocations ?? []).length > 0;
  if (event.type === 'create' && !decided) firstSeen.set(uid, performance.now());
  else if (event.type === 'delete' || decided) firstSeen.delete(uid);
}

/**
 * Whether a claim event only shows the status our own write gave it (its answer's resourceVersion): the pass
 * that wrote it decided on exactly this and handed its figures to the bucket writer, so another pass would
 * find nothing to do. The ledger drops the write's assumption here instead. Any other event for the claim
 * (someone else's change, a deletion) ends the record and runs a pass.
 */
function ownEcho(echoes: Map<string, Echo>, ledger: Ledger, key: string, event: ObjectEvent): boolean {
  const echo = echoes.get(key);
  if (echo === undefined) return false;
  echoes.delete(key);
  if (event.type !== 'update') return false;
  const claim = event.object as ResourceClaim;
  const own =
    'resourceVersion' in echo
      ? claim.metadata.resourceVersion === echo.resourceVersion
      : statusEqual(claim.status, echo.status);
  if (!own) return false;
  ledger.observe(toClaimInput(claim));
  return !ledger.has(key);
}

/**
 * Whether a claim update changed anything a pass reads: the spec (the apiserver moves the generation with
 * every spec change, and observedGeneration is rolled up from it), the status, deletion. Labels, annotations
 * and owner references do not (the lifecycle controller links every enforced claim to its object: that patch
 * needs no pass).
 */
function decisionInputChanged(old: KubeObject, obj: KubeObject): boolean {
  const [before, after] = [old as ResourceClaim, obj as ResourceClaim];
  return (
    before.metadata.generation !== after.metadata.generation ||
    before.metadata.deletionTimestamp !== after.metadata.deletionTimestamp ||
    !statusEqual(before.status, after.status)
  );
}

/**
 * How a claim's own status write will show on the watch: the status sent, while the write is in flight (the
 * watch often shows it before the answer comes), then the resourceVersion the answer gave it.
 */
type Echo = { readonly status: object } | { readonly resourceVersion: string };

/** What the claim writer shares with the pass that settles ambiguous writes. */
interface ClaimWrites {
  readonly mgr: ControllerHost;
  readonly ledger: Ledger;
  /** Claim key → the write whose outcome is unknown (ambiguous.ts). */
  readonly ambiguous: Map<string, AmbiguousWrite>;
  readonly metrics: QuotaMetrics;
  readonly events: EventRecorder;
  readonly firstSeen: Map<string, number>;
  /** Counts each claim status write towards the bucket write budget. */
  readonly buckets: { claimWritten(): void };
  /** Claim key → our last status write, until the watch shows it (ownEcho). */
  readonly echoes: Map<string, Echo>;
  readonly caches: QuotaCache;
}

const AMBIGUOUS_RECHECK_MS = 1_000;
/** Backoff of a consumer whose claim writes keep failing (as the workqueue's per-item limiter: 5 ms doubling). */
const RETRY_BASE_MS = 5;
const RETRY_MAX_MS = 60_000;

/** Writes each claim's next status; decisions are assumed in the ledger first and forgotten only on a
 * failure that certainly did not write. Returns the failures. */
function claimWriter(w: ClaimWrites, concurrency: number, tracing: DecisionTracing) {
  const { mgr, ledger, metrics, events, firstSeen } = w;
  return async (
    pass: Pass,
    claims: readonly ResourceClaim[],
    decisions: readonly Decision[],
  ): Promise<unknown[]> => {
    const byKey = new Map(decisions.map((d) => [claimKey(d.claim), d]));
    // the pass's claims: unsettled ones only (settled-claims.ts)
    const work = claims.flatMap((claim) => {
      const key = objectKey(asKubeObject(claim));
      const decision = byKey.get(key);
      if (decision === undefined && ledger.has(key)) return []; // its write is in flight
      const status = nextClaimStatus(claim, decision, pass.now);
      return status === undefined ? [] : [{ key, claim, decision, status }];
    });
    // Every decision is assumed now, before the pass returns, not when its write gets a slot.
    const assumed = work.map((item) => ({
      ...item,
      undo: item.decision === undefined ? () => {} : ledger.assumeDecision(item.decision),
    }));
    return settleAll(assumed, concurrency, async ({ key, claim, decision, status, undo }) => {
      mgr.assertLeading(); // fencing: a replica paused past its lease decides nothing
      const uid = claim.metadata.uid ?? '';
      // Read before the write: its own watch event may drop the entry before the response arrives.
      const seen = firstSeen.get(uid);
      const sent: Echo = { status };
      w.echoes.set(key, sent);
      try {
        w.buckets.claimWritten();
        const written = await tracing.statusWrite(pass.traces, key, claim, () =>
          writeStatus<ResourceClaim>(mgr.client, RESOURCES.claims, claim, status, {
            precondition: true,
            signal: pass.signal,
          }),
        );
        const version = written.metadata.resourceVersion;
        const { namespace = '', name = '' } = claim.metadata;
        // unless the watch was quicker than the answer
        const cached = w.caches.claims.get(namespace, name)?.metadata.resourceVersion;
        if (version !== undefined && cached !== version) w.echoes.set(key, { resourceVersion: version });
        else if (w.echoes.get(key) === sent) w.echoes.delete(key);
      } catch (error) {
        if (w.echoes.get(key) === sent) w.echoes.delete(key);
        if (certainlyNotWritten(error)) undo();
        else if (decision !== undefined && decision.kind !== 'wait') {
          w.ambiguous.set(key, { uid, resourceVersion: claim.metadata.resourceVersion ?? '', decision });
          throw new AmbiguousWriteError(key, error);
        }
        throw error;
      }
      if (decision === undefined || decision.kind === 'wait') return;
      firstSeen.delete(uid);
      const result = decision.kind === 'grant' ? 'granted' : 'denied';
      metrics.decision(result, seen === undefined ? undefined : (performance.now() - seen) / 1000);
      if (decision.kind === 'deny') {
        const message = decision.reasons.map((r) => r.message).join('; ');
        events.event(asKubeObject(claim), 'Warning', decision.reason, message);
      }
    });
  };
}

class AmbiguousWriteError extends Error {
  constructor(key: string, cause: unknown) {
    super(`the status write of claim ${key} may or may not have landed; a live read settles it`, { cause });
    this.name = 'AmbiguousWriteError';
  }
}

const isAmbiguous = (error: unknown) => error instanceof AmbiguousWriteError;

/**
 * Settles this consumer's ambiguous writes with a live read before deciding (ambiguous.ts): forgets those that
 * can never land (so the claim is decided again), writes again those not landed yet, drops the rest.
 * Returns whether some are still unsettled.
 */
async function settleAmbiguous(
  w: ClaimWrites,
  pass: Pass,
  consumerClaims: () => readonly ResourceClaim[],
): Promise<boolean> {
  if (w.ambiguous.size === 0) return false; // the usual pass: nothing to look up per claim
  const claims = consumerClaims();
  for (const claim of claims) {
    const key = objectKey(asKubeObject(claim));
    const write = w.ambiguous.get(key);
    if (write === undefined) continue;
    const live = await readClaim(w.mgr, claim, pass.signal);
    const fate = ambiguousFate(write, live);
    if (fate === 'landed') w.ambiguous.delete(key);
    if (fate === 'dead' || fate === 'gone') {
      w.ambiguous.delete(key);
      w.ledger.forget(key);
    }
    const status = live && fate === 'unknown' ? nextClaimStatus(live, write.decision, pass.now) : undefined;
    if (live === undefined || status === undefined) continue;
    w.mgr.assertLeading();
    try {
      w.buckets.claimWritten();
      await writeStatus(w.mgr.client, RESOURCES.claims, live, status, {
        precondition: true,
        signal: pass.signal,
      });
      w.ambiguous.delete(key);
    } catch (error) {
      if (isNotFound(error)) {
        w.ambiguous.delete(key);
        w.ledger.forget(key);
      } else if (!isConflict(error) && certainlyNotWritten(error)) throw error;
      // 409: one of the two writes landed first, or the claim changed; the next pass reads it again.
    }
  }
  return claims.some((c) => w.ambiguous.has(objectKey(asKubeObject(c))));
}

async function readClaim(mgr: ControllerHost, claim: ResourceClaim, signal: AbortSignal) {
  try {
    return await mgr.client.get<ResourceClaim>(
      RESOURCES.claims,
      claim.metadata.namespace ?? '',
      claim.metadata.name ?? '',
      signal,
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** 409 (stale resourceVersion), 404 (claim gone) and 4xx validation errors mean the write did not land. */
function certainlyNotWritten(error: unknown): boolean {
  return (
    isConflict(error) ||
    isNotFound(error) ||
    (error instanceof KubeApiError && error.status >= 400 && error.status < 500)
  );
}
