// Who used the cores during a measurement: the operator, kube-apiserver, etcd and the benchmark client
// itself. On a 2-core machine they all compete, so this is how a gap gets its cause.
import type { ControlPlane } from '../../src/envtest/index.ts';
import { processUsage } from './operator.ts';

export type CpuSplit = Record<string, number>;

function snapshot(pids: Record<string, number | undefined>): CpuSplit {
  const out: CpuSplit = { bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 };
  for (const [name, pid] of Object.entries(pids)) {
    if (pid === undefined) continue;
    try {
      out[name] = processUsage(pid).cpuSeconds;
    } catch {
      // the process has exited
    }
  }
  return out;
}

/** Starts counting; the returned function gives CPU seconds used per process since. */
export function cpuMeter(plane: ControlPlane, operatorPid?: number): () => CpuSplit {
  const pids = { operator: operatorPid, apiserver: plane.apiserver.pid, etcd: plane.etcd.pid };
  const before = snapshot(pids);
  return () => {
    const after = snapshot(pids);
    return Object.fromEntries(
      Object.entries(after).map(([k, v]) => [k, Math.round((v - (before[k] ?? 0)) * 100) / 100]),
    );
  };
}
