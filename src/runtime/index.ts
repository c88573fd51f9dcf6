// Public surface of the controller runtime: controller-runtime's guarantees on @kubernetes/client-node.
// Other layers import only from here. See docs/runtime.md.

export {
  AnswerCache,
  SelfAccessReview,
  subjectAccessReview,
  type VerbChecker,
  WATCH_VERBS,
} from './access-review.ts';
export { Backoff, type BackoffOptions, sleep } from './backoff.ts';
export { IDENTITY_VIEW, identityMetadata, keepIdentity, pickEntries, withMap } from './cache-views.ts';
export {
  createClient,
  groupOf,
  type KubeClient,
  type PatchOptions,
  type PatchType,
  resourcePath,
  type WriteOptions,
} from './client.ts';
export { Controller, type ControllerOptions, type Source } from './controller.ts';
export {
  DynamicWatches,
  type DynamicWatchesDeps,
  type KindDiscovery,
  type KindName,
  type KindWatchOutcome,
  type NotServed,
  readLive,
  resolveKinds,
  type Served,
  type WatchOutcome,
} from './dynamic-watch.ts';
export { type CorrelatorOptions, EventCorrelator, type EventFacts, eventKey } from './event-correlator.ts';
export {
  type EventRecorder,
  type EventRecorderOptions,
  KubeEventRecorder,
  noopEventRecorder,
} from './event-recorder.ts';
export {
  type EventMapper,
  enqueueMapped,
  enqueueObject,
  enqueueOwner,
  eventObjects,
  type ObjectEvent,
  type OwnerOptions,
} from './handler.ts';
export { type EventHandlers, Informer, type InformerOptions } from './informer.ts';
export { type InformerDefaults, InformerFactory, type InformerView } from './informer-factory.ts';
export { cacheInterner, compactFields, Interner, MAX_SHARED_JSON } from './intern.ts';
export {
  isAlreadyExists,
  isConflict,
  isGone,
  isNotFound,
  KubeApiError,
  type KubeApiErrorOptions,
  type KubeRequest,
  type KubeStatus,
  kubeRequest,
  openStream,
} from './kube-http.ts';
export { type LeaderElectionOptions, LeaderElector } from './leader-election.ts';
export {
  createLogger,
  errorFields,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogValue,
  reconcileLogger,
} from './logger.ts';
export { type ControllerHost, Manager, type ManagerOptions, type MetricsServerOptions } from './manager.ts';
export type { LeaderOptions } from './manager-leader.ts';
export { counter, exponentialBuckets, gauge, histogram, newMetricsRegistry } from './metrics.ts';
export {
  type AccessCacheOptions,
  type AccessDecision,
  type AccessReviewer,
  type Identity,
  kubeAccessReviewer,
  MetricsAccess,
} from './metrics-auth.ts';
export { microTime } from './micro-time.ts';
export {
  allOf,
  annotationsChanged,
  anyOf,
  generationChanged,
  labelsChanged,
  type Predicate,
  resourceVersionChanged,
} from './predicate.ts';
export {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
} from './rate-limiter.ts';
export {
  isTerminalError,
  type ReconcileContext,
  type Reconciler,
  type Result,
  TerminalError,
} from './reconcile.ts';
export {
  dropManagedFields,
  type ListWatchOptions,
  type ReflectorOptions,
  type ReflectorStats,
} from './reflector.ts';
export { diffRelist, type RelistDiff } from './relist-diff.ts';
export { LeaderElectionLostError, LeaseExpiredError, type Runnable, ShutdownError } from './runnable.ts';
export type { BindAddress, Check, TlsPair } from './servers.ts';
export type { CacheReader, IndexFunc } from './store.ts';
export {
  type Context,
  contextWith,
  failSpan,
  formatTraceparent,
  inSpan,
  NOOP_TRACER,
  parseTraceparent,
  SPAN_ATTRIBUTES,
  type Span,
  SpanKind,
  type SpanOptions,
  startSpan,
  TRACER_NAME,
  type Tracer,
  traceparentContext,
} from './tracing.ts';
export {
  apiVersionOf,
  type KubeObject,
  type ObjectMeta,
  type OwnerReference,
  objectKey,
  type Request,
  type ResourceRef,
  requestFor,
  requestFromKey,
  requestKey,
  resourceId,
} from './types.ts';
export { type WatchConnectionRequest, watchConnection } from './watch-connection.ts';
export type { WatchEvent, WatchEventType } from './watch-events.ts';
export { Workqueue, type WorkqueueOptions } from './workqueue.ts';
export { queueMetrics } from './workqueue-metrics.ts';
