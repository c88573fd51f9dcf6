// Runs the operator in the test process against a test's control plane, with free ports and quiet logs.
import { before } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import type { TracerProvider } from '@opentelemetry/api';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { type RunningOperator, startOperator } from '../../src/operator/operator.ts';
import type { OperatorOptions, WebhookSettings } from '../../src/operator/options.ts';
import { createClient, createLogger, type KubeClient } from '../../src/runtime/index.ts';
import type { ControlPlaneHandle } from './cluster.ts';
import { installCrds } from './kube.ts';

export const TEST_OPERATOR_OPTIONS: OperatorOptions = {
  namespace: 'quota-system',
  leaderElect: false,
  leaseName: 'milo-quota-operator',
  leaderElectionId: undefined,
  metricsPort: 0,
  metricsSecure: false,
  probePort: 0,
  bucketNamespaceExpression: undefined,
  bucketGracePeriodSeconds: 60,
  orphanGracePeriodSeconds: 30,
  logLevel: 'error',
  // the webhook as `make run` serves it: https://127.0.0.1:<free port>, self-managed certificate; client
  // authentication is added per control plane by startTestOperator (its webhook-client CA)
  webhook: {
    port: 0,
    timeoutSeconds: 10,
    certDir: undefined,
    serviceName: 'milo-quota-webhook',
    urlHost: '127.0.0.1',
    authorizeTriggerConsumer: false,
    clientCaFile: undefined,
    clientNames: [],
  },
};

export interface TestOperatorRuntime {
  /**
   * Trust the plane's webhook-client CA when the webhook settings name none, so only the apiserver is
   * served. Default true: every test runs with authentication on; false shows what it protects against.
   */
  readonly clientAuth?: boolean;
  /** Who the operator is to the apiserver. Default: the plane's admin kubeconfig. */
  readonly kubeConfig?: KubeConfig;
  /** Where the operator's spans go (an in-memory exporter's provider). Default: tracing off. */
  readonly tracerProvider?: TracerProvider;
}

function withClientAuth(
  plane: ControlPlane,
  webhook: WebhookSettings | false,
  runtime: TestOperatorRuntime,
): WebhookSettings | false {
  if (webhook === false || runtime.clientAuth === false) return webhook;
  return { ...webhook, clientCaFile: webhook.clientCaFile ?? plane.webhookClientCaFile };
}

/**
 * Installs the CRDs, creates the operator namespace and starts the operator in this process; resolves once it
 * leads and its webhook configurations are applied.
 */
export async function startTestOperator(
  plane: ControlPlane,
  options: Partial<OperatorOptions> = {},
  runtime: TestOperatorRuntime = {},
): Promise<RunningOperator> {
  await installCrds(plane);
  await plane.kubectl(['create', 'namespace', options.namespace ?? TEST_OPERATOR_OPTIONS.namespace]);
  const merged = { ...TEST_OPERATOR_OPTIONS, ...options };
  const operator = startOperator(
    runtime.kubeConfig ?? plane.kubeConfig,
    { ...merged, webhook: withClientAuth(plane, merged.webhook, runtime) },
    {
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'error' }),
      handleSignals: false,
      ...(runtime.tracerProvider !== undefined && { tracerProvider: runtime.tracerProvider }),
    },
  );
  await operator.manager.elected;
  // quota-kind writes are validated from here on
  await operator.webhooks?.configurations.applied;
  return operator;
}

/** Starts the operator before the file's tests and stops it after them; `.client` writes as admin. */
export function useOperator(plane: ControlPlaneHandle, options: Partial<OperatorOptions> = {}) {
  let operator: RunningOperator | undefined;
  let client: KubeClient | undefined;
  before(async () => {
    const started = await plane.ready;
    operator = await startTestOperator(started, options);
    client = createClient(started.kubeConfig);
  });
  plane.beforeStop(async () => {
    await operator?.stop();
  });
  return {
    get operator(): RunningOperator {
      if (!operator) throw new Error('the operator is not started (use it inside a test)');
      return operator;
    },
    get client(): KubeClient {
      if (!client) throw new Error('the operator is not started (use it inside a test)');
      return client;
    },
  };
}
