// Builds the operator from its options: one manager with the quota controllers (leader only) and the webhook
// server (every replica). Used by the container entry point, `make run` and the tests alike.
import type { KubeConfig } from '@kubernetes/client-node';
import type { TracerProvider } from '@opentelemetry/api';
import {
  ClaimWaiter,
  chargeRefusal,
  ENFORCEMENT_PATH,
  type EnforcementOptions,
  enforcementConfiguration,
  enforcementHandler,
  memberCallers,
  memberWebhookPath,
  namespaceLabelsFrom,
  setupWebhooks,
  tapClaimCreates,
  tapClaimStatusWrites,
  type Webhooks,
} from '../admission/index.ts';
import { asKubeObject } from '../cache/index.ts';
import { setupEnforcementWebhookController, setupQuotaControllers } from '../controllers/index.ts';
import { MemberWebhooks } from '../controllers/members/member-webhooks.ts';
import { compileBucketNamespace, MILO_BUCKET_NAMESPACE_EXPRESSION } from '../policy/index.ts';
import { bucketNamer } from '../quota/index.ts';
import {
  createLogger,
  type LeaderOptions,
  type Logger,
  Manager,
  type MetricsServerOptions,
} from '../runtime/index.ts';
import { selfSignedMetricsCertificate } from './metrics-certificate.ts';
import { contextConsumerRules, type OperatorOptions } from './options.ts';
import { operatorTracing } from './tracing-sdk.ts';

/** The metrics Service of config/manager, named in the self-signed certificate. */
const METRICS_SERVICE = 'milo-quota-metrics';

/** Plain HTTP locally; with --metrics-secure, HTTPS and a bearer token allowed to get /metrics. */
function metricsServer(options: OperatorOptions): MetricsServerOptions {
  if (!options.metricsSecure) return { port: options.metricsPort };
  return {
    port: options.metricsPort,
    tls: () => selfSignedMetricsCertificate(options.namespace, METRICS_SERVICE),
    authorize: true,
  };
}

export interface RunningOperator {
  readonly manager: Manager;
  /** The webhook server and configurations; undefined with `--enable-webhooks=false`. */
  readonly webhooks: Webhooks | undefined;
  /** Settles when the manager has stopped (rejects if a runnable failed). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

export interface OperatorRuntime {
  /** Default: JSON logs at options.logLevel. */
  readonly logger?: Logger;
  /** Stop on SIGTERM/SIGINT. Default true. */
  readonly handleSignals?: boolean;
  /** Spans go to this provider whatever options.tracing says (tests: an in-memory exporter). */
  readonly tracerProvider?: TracerProvider;
}

function leaderElection(options: OperatorOptions): LeaderOptions {
  const { namespace, leaseName: name, leaderElectionId: identity } = options;
  return identity === undefined ? { namespace, name } : { namespace, name, identity };
}

export function startOperator(
  kubeConfig: KubeConfig,
  options: OperatorOptions,
  runtime: OperatorRuntime = {},
): RunningOperator {
  const manager = new Manager({
    kubeConfig,
    logger:
      runtime.logger ??
      createLogger({ level: options.logLevel, fields: { component: 'milo-quota-operator' } }),
    metrics: metricsServer(options),
    probes: { port: options.probePort },
    leaderElection: options.leaderElect ? leaderElection(options) : false,
    handleSignals: runtime.handleSignals ?? true,
  });
  const tracing = operatorTracing(options.tracing, runtime.tracerProvider);
  const tracer = tracing.tracer === undefined ? {} : { tracer: tracing.tracer };
  const milo = options.bucketPlacement === 'milo';
  const bucketNamespace = compileBucketNamespace(
    milo
      ? MILO_BUCKET_NAMESPACE_EXPRESSION
      : (options.bucketNamespaceExpression ?? JSON.stringify(options.namespace)),
  );
  const { caches, discovery, members } = setupQuotaControllers(manager, {
    bucketNamespace,
    bucketName: bucketNamer(milo ? 'milo' : 'default'),
    bucketGracePeriodMs: options.bucketGracePeriodSeconds * 1000,
    orphanGracePeriodMs: options.orphanGracePeriodSeconds * 1000,
    parentContext: options.parentContext ?? 'unsupported',
    namespace: options.namespace,
    contextConsumerRules: options.contextConsumerRules ?? contextConsumerRules(),
    members: options.members !== undefined,
    ...tracer,
  });
  const webhooks = options.webhook
    ? setupWebhooks(manager, caches, discovery, {
        ...options.webhook,
        namespace: options.namespace,
        members,
      })
    : undefined;
  if (webhooks && options.webhook) {
    const { timeoutSeconds } = options.webhook;
    const waiter = new ClaimWaiter(caches.claims.informer);
    // decisions made here answer their waiters from the status write, not the watch (status-tap.ts)
    tapClaimStatusWrites(manager.client, (claim) => waiter.observe(claim));
    // and the claims it creates reach the consumer controller without the watch's hop
    tapClaimCreates(manager.client, (claim) => caches.claims.informer.assumeCreated(asKubeObject(claim)));
    const enforcement: EnforcementOptions = {
      caches,
      client: manager.client,
      waiter,
      registry: manager.registry,
      logger: manager.logger,
      defaultNamespace: options.webhook.clusterScopedClaimNamespace ?? options.namespace,
      contextConsumers: {
        rules: options.webhook.contextConsumerRules ?? options.contextConsumerRules ?? contextConsumerRules(),
        labelsOf: namespaceLabelsFrom(manager.client),
      },
      findObject: webhooks.claimGuard.findObject,
      orphanGraceMs: options.orphanGracePeriodSeconds * 1000,
      ...(options.webhook.authorizeTriggerConsumer
        ? {
            chargeRefusal: (user, consumer, signal) =>
              chargeRefusal(webhooks.claimGuard, user, consumer, signal),
          }
        : {}),
      // SPEC §6: the internal wait is 2 s less than the webhook's timeoutSeconds.
      waitTimeoutMs: Math.max(1, timeoutSeconds - 2) * 1000,
      ...tracer,
    };
    webhooks.register(ENFORCEMENT_PATH, enforcementHandler(enforcement));
    const memberWebhooks =
      members !== undefined && options.members?.webhookHost !== undefined
        ? new MemberWebhooks({
            registry: members,
            server: webhooks.server,
            logger: manager.logger,
            host: options.members.webhookHost,
            timeoutSeconds,
            path: memberWebhookPath,
          })
        : undefined;
    if (members !== undefined && memberWebhooks !== undefined) {
      webhooks.server.scope(memberCallers(members, enforcement, enforcement.contextConsumers?.rules ?? []));
      manager.add(memberWebhooks);
    }
    setupEnforcementWebhookController(manager, {
      policies: caches.claimPolicies,
      discovery,
      configure: (rules) => {
        webhooks.configure(enforcementConfiguration(rules, options.namespace, timeoutSeconds));
        memberWebhooks?.setRules(rules);
      },
    });
  }
  const abort = new AbortController();
  // the spans still batched are sent when the manager stops, however it stops
  const stopped = manager.start(abort.signal).finally(() => tracing.shutdown());
  return {
    manager,
    webhooks,
    stopped,
    stop: async () => {
      abort.abort();
      await stopped;
    },
  };
}
