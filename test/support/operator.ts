// Runs the operator in the test process against a test's control plane, with free ports and quiet logs.
import { before } from 'node:test';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { type RunningOperator, startOperator } from '../../src/operator/operator.ts';
import type { OperatorOptions } from '../../src/operator/options.ts';
import { createClient, createLogger, type KubeClient } from '../../src/runtime/index.ts';
import type { ControlPlaneHandle } from './cluster.ts';
import { installCrds } from './kube.ts';

export const TEST_OPERATOR_OPTIONS: OperatorOptions = {
  namespace: 'quota-system',
  leaderElect: false,
  leaseName: 'milo-quota-operator',
  metricsPort: 0,
  metricsSecure: false,
  probePort: 0,
  bucketNamespaceExpression: undefined,
  bucketGracePeriodSeconds: 60,
  orphanGracePeriodSeconds: 30,
  logLevel: 'error',
  // the webhook as `make run` serves it: https://127.0.0.1:<free port>, self-managed certificate
  webhook: {
    port: 0,
    timeoutSeconds: 10,
    certDir: undefined,
    serviceName: 'milo-quota-webhook',
    urlHost: '127.0.0.1',
  },
};

/**
 * Installs the CRDs, creates the operator namespace and starts the operator in this process; resolves once it
 * leads and its webhook configurations are applied.
 */
export async function startTestOperator(
  plane: ControlPlane,
  options: Partial<OperatorOptions> = {},
): Promise<RunningOperator> {
  await installCrds(plane);
  await plane.kubectl(['create', 'namespace', options.namespace ?? TEST_OPERATOR_OPTIONS.namespace]);
  const operator = startOperator(
    plane.kubeConfig,
    { ...TEST_OPERATOR_OPTIONS, ...options },
    {
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'error' }),
      handleSignals: false,
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
