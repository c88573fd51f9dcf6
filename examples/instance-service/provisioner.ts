// Where a real service would call its cloud API to create the VM. The reconciler only needs the call to be
// idempotent and to say whether the VM is ready yet; the simulation here takes a fixed time per Instance.
import type { Instance } from './instance.ts';
import type { ProvisionState } from './status.ts';

export interface Provisioner {
  /** Starts provisioning on the first call, then reports progress. Called only once quota is granted. */
  provision(instance: Instance): Promise<ProvisionState>;
  /** Tears down what was provisioned for `namespace/name`; harmless if nothing was. */
  release(namespace: string, name: string): Promise<void>;
}

export interface SimulatedProvisionerOptions {
  /** How long a VM takes to come up. Default 200 ms. */
  readonly durationMs?: number;
  /** Milliseconds clock. Default Date.now. */
  readonly now?: () => number;
}

/**
 * VMs kept in memory, keyed by namespace/name and tagged with the Instance uid, so an Instance recreated
 * under the same name starts afresh. A restart forgets them and provisions again: fine for a simulation,
 * where a real cloud API would report the VM it already has.
 */
export function simulatedProvisioner(options: SimulatedProvisionerOptions = {}): Provisioner {
  const durationMs = options.durationMs ?? 200;
  const now = options.now ?? Date.now;
  const vms = new Map<string, { uid: string; readyAt: number }>();
  return {
    provision: async (instance) => {
      const key = `${instance.metadata.namespace}/${instance.metadata.name}`;
      const uid = instance.metadata.uid ?? '';
      let vm = vms.get(key);
      if (vm === undefined || vm.uid !== uid) {
        vm = { uid, readyAt: now() + durationMs };
        vms.set(key, vm);
      }
      const left = vm.readyAt - now();
      return left <= 0 ? { ready: true } : { ready: false, retryAfterMs: left };
    },
    release: async (namespace, name) => {
      vms.delete(`${namespace}/${name}`);
    },
  };
}
