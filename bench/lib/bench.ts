// What every benchmark is: a name, and a run that starts its own control plane (and operator) and returns
// report rows. Shared set-up lives here too.
import { type ControlPlane, type ControlPlaneOptions, startControlPlane } from '../../src/envtest/index.ts';
import type { KubeClient, ResourceRef } from '../../src/runtime/index.ts';
import { installCrds } from '../../test/support/kube.ts';
import type { Row } from './report.ts';

export type Scale = 'small' | 'full';

export interface BenchContext {
  readonly scale: Scale;
  log(message: string): void;
}

export interface BenchResult {
  readonly rows: Row[];
  readonly details: Record<string, unknown>;
}

export interface Bench {
  readonly name: string;
  readonly description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export const QUOTA_NAMESPACE = 'quota-system';

/** A fresh control plane with the quota CRDs installed and the operator's namespace created. */
export async function startQuotaPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const plane = await startControlPlane({ controllerManager: false, exitOnSignal: true, ...options });
  try {
    await installCrds(plane);
    await plane.kubectl(['create', 'namespace', QUOTA_NAMESPACE]);
    return plane;
  } catch (error) {
    await plane.stop();
    throw error;
  }
}

const NAMESPACES: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'namespaces',
  namespaced: false,
  kind: 'Namespace',
};

export async function createNamespaces(client: KubeClient, names: readonly string[]): Promise<void> {
  for (const name of names)
    await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export const seconds = (ms: number): number => Math.round(ms) / 1000;
