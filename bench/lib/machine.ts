// What the figures were measured on: they mean little without the machine, and this one is shared.
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface Machine {
  readonly nproc: number;
  readonly model: string;
  readonly memoryGiB: number;
  readonly freeMemoryGiB: number;
  /** 1-minute load average at the start: above nproc means other work competed for the cores. */
  readonly loadAverage: number;
  readonly node: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 10) / 10;
  return {
    nproc: list.length,
    model: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    node: process.version,
  };
}

export function formatMachine(m: Machine): string {
  return `${m.nproc} × ${m.model}, ${m.memoryGiB} GiB (${m.freeMemoryGiB} free), load ${m.loadAverage}, node ${m.node}`;
}
