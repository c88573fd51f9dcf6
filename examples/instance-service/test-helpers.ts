// Helpers for instance.test.ts: install the example's configuration, run the service in-process, and record
// every phase and QuotaGranted state each Instance goes through, as a watch delivers them.

import {
  createLogger,
  Informer,
  isNotFound,
  type KubeClient,
  type KubeObject,
  type Logger,
} from '@milo-quota/client/runtime';
import { makeClaim, org } from '../../test/support/builders.ts';
import type { ControlPlane } from '../../test/support/cluster.ts';
import { eventually } from '../../test/support/cluster.ts';
import { kubectlOk, repoPath } from '../../test/support/kube.ts';
import { CLAIMS } from './claim.ts';
import {
  API_VERSION,
  CONDITION_QUOTA_GRANTED,
  INSTANCES,
  type Instance,
  RESOURCE_INSTANCES,
} from './instance.ts';
import { type RunningService, startInstanceService } from './service.ts';

export const testLogger = (): Logger => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'error' });

/** Applies examples/instance-service/config and waits until the CRD is served and the quota objects Active. */
export async function installExample(plane: ControlPlane): Promise<void> {
  await kubectlOk(plane, ['apply', '-k', repoPath('examples/instance-service/config')]);
  await kubectlOk(plane, [
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/instances.compute.example.com',
  ]);
  const active = [
    'resourceregistration/example-compute-instances',
    'resourceregistration/example-compute-vcpus',
  ];
  await kubectlOk(plane, ['wait', '--for=condition=Active', '--timeout=60s', ...active]);
  await kubectlOk(plane, [
    'wait',
    '--for=condition=Active',
    '--timeout=60s',
    '-n',
    'quota-system',
    'resourcegrant/acme-compute',
  ]);
}

/**
 * Waits until the garbage collector follows an Instance → ResourceClaim ownerReference. It picks up a new CRD
 * on a 30 s discovery resync; until then an orphaning delete strips nothing and the claim is collected later
 * as a dependent of a missing owner. The probe claim is for an Organization with no grant, so it holds nothing,
 * and is manual, so nothing but the garbage collector deletes it.
 */
export async function waitForGarbageCollector(client: KubeClient, namespace: string): Promise<void> {
  const probe = await client.create<Instance>(INSTANCES, {
    apiVersion: API_VERSION,
    kind: 'Instance',
    metadata: { name: 'gc-probe', namespace },
    spec: { vcpus: 1, organization: 'gc-probe' },
  });
  const claim = makeClaim('gc-probe', namespace, org('gc-probe'))
    .request(RESOURCE_INSTANCES, 1)
    .for({ apiGroup: 'compute.example.com', kind: 'Instance', name: 'gc-probe' })
    .build();
  claim.metadata.ownerReferences = [
    { apiVersion: API_VERSION, kind: 'Instance', name: 'gc-probe', uid: probe.metadata.uid ?? '' },
  ];
  await client.create(CLAIMS, claim);
  await client.delete(INSTANCES, namespace, 'gc-probe');
  await eventually(
    'the garbage collector to delete the probe claim of a deleted Instance',
    async () => {
      try {
        await client.get(CLAIMS, namespace, 'gc-probe');
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    },
    90_000,
  );
}

export function startService(plane: ControlPlane): RunningService {
  return startInstanceService(plane.kubeConfig, {
    logger: testLogger(),
    metricsPort: 0,
    probePort: 0,
    handleSignals: false,
  });
}

/** One observed state of an Instance: its phase and its QuotaGranted condition as `status/reason`. */
export interface Seen {
  readonly phase: string | undefined;
  readonly quotaGranted: string | undefined;
  readonly at: number;
}

/** Watches Instances and keeps, per `namespace/name`, each distinct state in the order it was seen. */
export class StateRecorder {
  readonly #informer: Informer;
  readonly #seen = new Map<string, Seen[]>();

  constructor(plane: ControlPlane) {
    this.#informer = new Informer({
      kubeConfig: plane.kubeConfig,
      resource: INSTANCES,
      logger: testLogger(),
    });
    const record = (obj: KubeObject) => this.#record(obj as Instance);
    this.#informer.addEventHandler({ onAdd: record, onUpdate: (_, obj) => record(obj) });
  }

  async start(): Promise<void> {
    this.#informer.start();
    await this.#informer.synced;
  }

  stop(): Promise<void> {
    return this.#informer.stop();
  }

  #record(instance: Instance): void {
    const key = `${instance.metadata.namespace}/${instance.metadata.name}`;
    const c = instance.status?.conditions?.find((x) => x.type === CONDITION_QUOTA_GRANTED);
    const state = { phase: instance.status?.phase, quotaGranted: c && `${c.status}/${c.reason}` };
    const list = this.#seen.get(key) ?? [];
    const last = list.at(-1);
    if (last?.phase !== state.phase || last?.quotaGranted !== state.quotaGranted) {
      list.push({ ...state, at: Date.now() });
    }
    this.#seen.set(key, list);
  }

  seen(key: string): readonly Seen[] {
    return this.#seen.get(key) ?? [];
  }

  /** The distinct phases `key` went through, in order (consecutive repeats folded). */
  phases(key: string): string[] {
    return fold(this.seen(key).flatMap((s) => (s.phase === undefined ? [] : [s.phase])));
  }

  /** The distinct QuotaGranted states of `key`, in order. */
  quotaGranted(key: string): string[] {
    return fold(this.seen(key).flatMap((s) => (s.quotaGranted === undefined ? [] : [s.quotaGranted])));
  }

  /** Waits until `key` has reached `phase`; returns the states seen so far. */
  async reached(key: string, phase: string, timeoutMs = 30_000): Promise<readonly Seen[]> {
    try {
      return await eventually(
        `${key} to reach ${phase}`,
        () => (this.seen(key).some((s) => s.phase === phase) ? this.seen(key) : undefined),
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${String(error)}; phases seen: ${this.phases(key).join(' → ') || 'none'}`);
    }
  }
}

function fold(values: readonly string[]): string[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}
