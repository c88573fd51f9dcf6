// Wires the Instance reconciler into the project's runtime: one manager, two shared informers (Instances,
// and the ResourceClaims this service made), one controller. Used by main.ts and the integration tests.
import type { KubeConfig } from '@kubernetes/client-node';
import { enqueueMapped, type KubeObject, type Logger, Manager } from '@milo-quota/client/runtime';
import { CLAIM_SELECTOR, CLAIMS, instanceOfClaim } from './claim.ts';
import { INSTANCES } from './instance.ts';
import { type Provisioner, simulatedProvisioner } from './provisioner.ts';
import { instanceReconciler } from './reconciler.ts';

export interface ServiceOptions {
  readonly logger: Logger;
  /** /metrics port; 0 picks a free one. Default 8090 (the operator uses 8080). */
  readonly metricsPort?: number;
  /** /healthz and /readyz port; 0 picks a free one. Default 8091. */
  readonly probePort?: number;
  /** Default: simulatedProvisioner() (200 ms per VM). */
  readonly provisioner?: Provisioner;
  /** Parallel reconciles. Default 2. */
  readonly workers?: number;
  /** Stop on SIGTERM/SIGINT. Default true. */
  readonly handleSignals?: boolean;
}

export interface RunningService {
  readonly manager: Manager;
  /** Settles when the manager has stopped (rejects if a runnable failed). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

export function startInstanceService(kubeConfig: KubeConfig, options: ServiceOptions): RunningService {
  const manager = new Manager({
    kubeConfig,
    logger: options.logger,
    metrics: { port: options.metricsPort ?? 8090 },
    probes: { port: options.probePort ?? 8091 },
    leaderElection: false,
    handleSignals: options.handleSignals ?? true,
  });
  const instances = manager.informers.informerFor(INSTANCES);
  // Only our own claims: admission-made and other services' claims are none of our business.
  const claims = manager.informers.informerFor(CLAIMS, { labelSelector: CLAIM_SELECTOR });
  const controller = manager.newController({
    name: 'instance',
    maxConcurrentReconciles: options.workers ?? 2,
    reconciler: instanceReconciler({
      kubeConfig,
      client: manager.client,
      instances,
      claims,
      provisioner: options.provisioner ?? simulatedProvisioner(),
    }),
  });
  controller.watch({ informer: instances });
  // A claim's decision (or its deletion) re-queues the Instance it pays for: no polling.
  controller.watch({
    informer: claims,
    map: enqueueMapped((claim: KubeObject) => instanceOfClaim(claim)),
  });
  const abort = new AbortController();
  const stopped = manager.start(abort.signal);
  return {
    manager,
    stopped,
    stop: async () => {
      abort.abort();
      await stopped;
    },
  };
}
