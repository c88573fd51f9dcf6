// Builds the operator from its options: one manager with the quota controllers (leader only) and the webhook
// server (every replica). Used by the container entry point, `make run` and the tests alike.
import type { KubeConfig } from '@kubernetes/client-node';
import { setupWebhooks, type Webhooks } from '../admission/index.ts';
import { setupQuotaControllers } from '../controllers/index.ts';
import { createLogger, type Logger, Manager } from '../runtime/index.ts';
import type { OperatorOptions } from './options.ts';

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
    metrics: { port: options.metricsPort },
    probes: { port: options.probePort },
    leaderElection: options.leaderElect ? { namespace: options.namespace, name: options.leaseName } : false,
    handleSignals: runtime.handleSignals ?? true,
  });
  const { caches } = setupQuotaControllers(manager, { bucketNamespace: () => options.namespace });
  const webhooks = options.webhook
    ? setupWebhooks(manager, caches, { ...options.webhook, namespace: options.namespace })
    : undefined;
  const abort = new AbortController();
  const stopped = manager.start(abort.signal);
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
