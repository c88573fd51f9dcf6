// The enforcement webhook (SPEC §6): for a create that Ready ClaimCreationPolicies match, evaluate their
// constraints (fail closed), render one claim per policy, register the waiters, create the claims, wait for
// the decisions and allow only if every claim is granted. Whatever this request created is deleted when the
// create is refused, so nothing stays reserved. Dry-runs are evaluated read-only. An UPDATE is rendered
// before and after, and refused if it would change what the object is charged to (charge-change.ts).
import type { Registry } from 'prom-client';
import type { ConsumerRef, ResourceClaim } from '../../api/index.ts';
import type { ClaimObject, QuotaCache } from '../../cache/index.ts';
import { evaluateConstraints, type JsonObject, PolicyError } from '../../policy/index.ts';
import {
  type Context,
  contextWith,
  inSpan,
  type KubeClient,
  type Logger,
  SPAN_ATTRIBUTES,
  SpanKind,
  type Tracer,
} from '../../runtime/index.ts';
import {
  type AdmissionHandler,
  type AdmissionRequest,
  type AdmissionUserInfo,
  allowed,
  conflict,
  errored,
  forbidden,
  timedOut,
  type Verdict,
} from '../../webhook/review.ts';
import { admissionMetrics } from './admission-metrics.ts';
import { chargeChangeMessage, chargeChanges } from './charge-change.ts';
import { ClaimPolicies } from './claim-policies.ts';
import { policyBindings, renderClaim } from './claim-render.ts';
import {
  type ContextConsumerRule,
  type ContextSubject,
  contextConsumer,
  type NamespaceLabels,
} from './context-consumer.ts';
import { conflictMessage, internalMessage, misconfiguredMessage, timeoutMessage } from './denial.ts';
import { type ClaimResult, createAndWait, releaseClaims } from './enforced-claim.ts';
import { ownClaimRefusal } from './own-claim-check.ts';
import { denialFor, denialVerdict, dryRunVerdict } from './snapshot-answers.ts';
import type { ClaimWaiter } from './waiter.ts';

export interface EnforcementOptions {
  readonly caches: QuotaCache;
  readonly client: KubeClient;
  readonly waiter: ClaimWaiter;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Namespace for claims of cluster-scoped objects whose template names none (--cluster-scoped-claim-namespace). */
  readonly defaultNamespace: string;
  /**
   * Where a claim whose template names no consumerRef gets its consumer (context-consumer.ts): the rules of
   * --context-consumer-labels and a reader of namespace labels. Unset: such a create is refused.
   */
  readonly contextConsumers?: {
    readonly rules: readonly ContextConsumerRule[];
    readonly labelsOf: NamespaceLabels;
    /** Whose labels these are, for messages. Default: the namespace's. */
    readonly subject?: ContextSubject;
  };
  /** How long to wait for decisions: the webhook's timeoutSeconds less 2 s. Default 8 s. */
  readonly waitTimeoutMs?: number;
  /** The start-up race window used by dry-run simulations. Default 10 s. */
  readonly startupWaitMs?: number;
  /** The object a claim pays for, read live (retried creates: is an existing claim's object still there?). */
  readonly findObject: (claim: ResourceClaim, signal: AbortSignal) => Promise<ClaimObject>;
  /** How long a Granted claim whose object has not appeared is kept for it. Default 30 s. */
  readonly orphanGraceMs?: number;
  /**
   * `--authorize-trigger-consumer`: also require the requester to hold `claim` on the consumer each policy
   * renders; returns the refusal, or undefined. Unset: the platform's authorization of the create decides.
   */
  readonly chargeRefusal?: (
    user: AdmissionUserInfo,
    consumer: ConsumerRef,
    signal: AbortSignal,
  ) => Promise<string | undefined>;
  /**
   * Where a rendered claim is stored, for requests that are not this cluster's (a member cluster's:
   * member-enforcement.ts). Default: as rendered.
   */
  readonly placeClaim?: (claim: ResourceClaim, request: AdmissionRequest) => ResourceClaim;
  /**
   * The webhook, claim-create and wait spans (docs/observability.md, Tracing). Default: none (the no-op
   * tracer): no span, no traceparent annotation.
   */
  readonly tracer?: Tracer;
}

interface PlannedClaim {
  readonly policy: string;
  readonly claim: ResourceClaim;
}

export function enforcementHandler(options: EnforcementOptions): AdmissionHandler {
  const policies = new ClaimPolicies(options.caches.claimPolicies);
  const metrics = admissionMetrics(options.registry);
  const registrations = options.caches.registrations;
  return async (request, signal) => {
    const object = request.object;
    if (typeof object !== 'object' || object === null) return allowed();
    if (request.operation === 'UPDATE')
      return updateVerdict(request, object as JsonObject, policies, options);
    if (request.operation !== 'CREATE') return allowed();
    if (options.tracer === undefined) return enforceCreate(request, object as JsonObject, signal, undefined);
    const attributes = {
      [SPAN_ATTRIBUTES.resourceGroup]: request.kind.group,
      [SPAN_ATTRIBUTES.resourceKind]: request.kind.kind,
      [SPAN_ATTRIBUTES.resourceName]: `${request.namespace ?? ''}/${request.name ?? ''}`,
    };
    const span = { kind: SpanKind.SERVER, attributes };
    return inSpan(options.tracer, 'quota.webhook.enforce', span, async (s) => {
      const verdict = await enforceCreate(request, object as JsonObject, signal, contextWith(s));
      s.setAttribute(SPAN_ATTRIBUTES.outcome, verdict.allowed ? 'allowed' : verdictResult(verdict));
      return verdict;
    });
  };

  async function enforceCreate(
    request: AdmissionRequest,
    object: JsonObject,
    signal: AbortSignal,
    trace: Context | undefined,
  ): Promise<Verdict> {
    const labels = { resource_group: request.kind.group, resource_kind: request.kind.kind };
    const rendered = plan(request, object, policies, options);
    const withConsumers = Array.isArray(rendered)
      ? await withContextConsumers(options, request, rendered, signal)
      : rendered;
    const place = options.placeClaim;
    const planned =
      Array.isArray(withConsumers) && place !== undefined
        ? withConsumers.map((p) => ({ ...p, claim: place(p.claim, request) }))
        : withConsumers;
    if (!Array.isArray(planned)) {
      const failed = planned.verdict.allowed ? 500 : planned.verdict.status.code;
      metrics.result(failed === 500 ? 'error' : 'policy_misconfigured', planned.policy, labels);
      return planned.verdict;
    }
    if (planned.length === 0) return allowed();
    const policyNames = planned.map((p) => p.policy).join(',');
    const unauthorized = await requesterRefusal(options, request, planned, signal);
    if (unauthorized !== undefined) {
      metrics.result('denied', policyNames, labels);
      return forbidden(unauthorized);
    }
    if (request.dryRun === true) {
      const verdict = dryRunVerdict(options, planned, Date.now());
      metrics.result(verdict.allowed ? 'granted' : 'denied', policyNames, labels);
      return verdict;
    }
    // the operator's own claim creates skip the claim webhook: its checks are made here (own-claim-check.ts)
    const invalidClaim = await ownClaimRefusal(
      registrations,
      planned.map((p) => p.claim),
      signal,
    );
    if (invalidClaim !== undefined) {
      metrics.result('policy_misconfigured', policyNames, labels);
      return forbidden(misconfiguredMessage(`The claim it would make is invalid: ${invalidClaim}`));
    }
    const started = performance.now();
    const results = await Promise.all(planned.map((p) => createAndWait(options, p.claim, signal, trace)));
    const verdict = decideVerdict(options, planned, results);
    metrics.wait(verdict.allowed ? 'granted' : verdictResult(verdict), (performance.now() - started) / 1000);
    metrics.result(verdict.allowed ? 'granted' : verdictResult(verdict), policyNames, labels);
    if (!verdict.allowed) await releaseClaims(options, results);
    return verdict;
  }
}

/** An UPDATE goes through only if every policy charges the same consumer and amounts before and after. */
function updateVerdict(
  request: AdmissionRequest,
  object: JsonObject,
  policies: ClaimPolicies,
  options: EnforcementOptions,
): Verdict {
  const old = request.oldObject;
  if (typeof old !== 'object' || old === null) return allowed();
  const after = plan(request, object, policies, options);
  if (!Array.isArray(after)) return after.verdict;
  if (after.length === 0) return allowed();
  const before = plan(request, old as JsonObject, policies, options);
  // A policy the old object cannot be evaluated against charged nothing before: any charge now is new.
  const changes = chargeChanges(Array.isArray(before) ? before : [], after);
  if (changes.length === 0) return allowed();
  return forbidden(chargeChangeMessage(request.kind.kind, request.name ?? '', changes));
}

/** With --authorize-trigger-consumer: the requester must hold `claim` on every consumer charged. */
async function requesterRefusal(
  options: EnforcementOptions,
  request: AdmissionRequest,
  planned: readonly PlannedClaim[],
  signal: AbortSignal,
): Promise<string | undefined> {
  const check = options.chargeRefusal;
  if (check === undefined) return undefined;
  for (const { claim } of planned) {
    const consumer = claim.spec.consumerRef;
    if (consumer === undefined) continue; // the claim webhook refuses a claim without a consumer
    const refusal = await check(request.userInfo, consumer, signal);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/**
 * Fills in the consumer of every claim whose template names none, from the request's namespace (a
 * cluster-scoped trigger: the claim's namespace), or refuses naming what to set. One read per namespace.
 */
async function withContextConsumers(
  options: EnforcementOptions,
  request: AdmissionRequest,
  planned: readonly PlannedClaim[],
  signal: AbortSignal,
): Promise<PlannedClaim[] | PlanFailure> {
  const resolved: PlannedClaim[] = [];
  const seen = new Map<string, ReturnType<typeof contextConsumer>>();
  for (const p of planned) {
    if (p.claim.spec.consumerRef !== undefined) {
      resolved.push(p);
      continue;
    }
    const namespace = request.namespace || (p.claim.metadata.namespace ?? '');
    const context = options.contextConsumers;
    const lookup =
      seen.get(namespace) ??
      contextConsumer(
        context?.rules ?? [],
        context?.labelsOf ?? noLabels,
        namespace,
        signal,
        context?.subject,
      );
    seen.set(namespace, lookup);
    let found: Awaited<typeof lookup>;
    try {
      found = await lookup;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        policy: p.policy,
        verdict: errored(internalMessage(`reading namespace ${namespace} for its consumer: ${message}`)),
      };
    }
    if (!found.ok) {
      return {
        policy: p.policy,
        verdict: forbidden(
          misconfiguredMessage(
            `ClaimCreationPolicy ${p.policy} names no consumerRef, so the consumer comes from the request's context, and ${found.problem}.`,
          ),
        ),
      };
    }
    resolved.push({ ...p, claim: { ...p.claim, spec: { ...p.claim.spec, consumerRef: found.consumer } } });
  }
  return resolved;
}

const noLabels: NamespaceLabels = async () => ({});

type PlanFailure = { readonly policy: string; readonly verdict: Verdict };

/** The claims to create, or the refusal when a policy cannot be evaluated (fail closed). */
function plan(
  request: AdmissionRequest,
  object: JsonObject,
  policies: ClaimPolicies,
  options: EnforcementOptions,
): PlannedClaim[] | PlanFailure {
  const planned: PlannedClaim[] = [];
  for (const match of policies.matching(request.kind.group, request.kind.kind)) {
    const refuse = (detail: string): PlanFailure => ({
      policy: match.name,
      verdict: forbidden(
        misconfiguredMessage(
          `ClaimCreationPolicy ${match.name} could not be evaluated, so the create is refused: ${detail}`,
        ),
      ),
    });
    if (!match.compiled.ok)
      return refuse(match.compiled.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    try {
      const outcome = evaluateConstraints(match.compiled.value.constraints, policyBindings(request, object));
      if (!outcome.holds) continue;
      const claim = renderClaim({
        policyName: match.name,
        policy: match.compiled.value,
        request,
        object,
        defaultNamespace: options.defaultNamespace,
        now: new Date(),
      });
      planned.push({ policy: match.name, claim });
    } catch (error) {
      if (error instanceof PolicyError) return refuse(error.message);
      throw error;
    }
  }
  return planned;
}

function decideVerdict(
  options: EnforcementOptions,
  planned: readonly PlannedClaim[],
  results: readonly ClaimResult[],
): Verdict {
  const denied = results.flatMap((r, i) =>
    r.kind === 'denied' ? [{ result: r, policy: planned[i]?.policy ?? '' }] : [],
  );
  if (denied.length > 0) {
    return denialVerdict(denied.map(({ result, policy }) => denialFor(options, result.claim, policy)));
  }
  const held = results.find((r) => r.kind === 'held');
  if (held?.kind === 'held') return conflict(conflictMessage(held.message));
  const failed = results.find((r) => r.kind === 'error');
  if (failed?.kind === 'error') return errored(internalMessage(failed.message));
  if (results.some((r) => r.kind === 'timeout')) return timedOut(timeoutMessage());
  return allowed();
}

function verdictResult(verdict: Verdict): 'denied' | 'timeout' | 'conflict' | 'error' {
  if (verdict.allowed) return 'denied';
  const { code } = verdict.status;
  return code === 504 ? 'timeout' : code === 409 ? 'conflict' : code === 403 ? 'denied' : 'error';
}
