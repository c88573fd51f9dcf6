// The leader-only part of the manager's lifecycle: campaign, run the leader runnables while renewing,
// and on the way out either hand over cleanly (drain, then release) or stop at once on loss.
import type { LeaderElectionOptions, LeaderElector } from './leader-election.ts';
import type { Logger } from './logger.ts';
import { LeaderElectionLostError, type Runnable, ShutdownError } from './runnable.ts';

export interface LeaderOptions extends LeaderElectionOptions {
  /** Release the lease on a clean stop so a standby takes over within a retry period. Default true. */
  releaseOnCancel?: boolean;
  /**
   * Exit the process (code 1) when the lease is lost, as controller-runtime does: in-flight work stops for
   * certain and the pod restarts clean. Default true. When false, leader runnables are stopped (their
   * signal aborts with LeaderElectionLostError) and the manager campaigns again.
   */
  exitOnLoss?: boolean;
}

export interface LeadLoopInput {
  elector: LeaderElector | undefined;
  options: Partial<LeaderOptions>;
  runnables: Runnable[];
  run: (runnable: Runnable, signal: AbortSignal) => Promise<void>;
  /** The manager's stop signal. */
  stop: AbortSignal;
  graceMs: number;
  log: Logger;
  onElected: () => void;
}

/** Resolves once leader runnables have stopped and the lease is released (or lost). */
export async function leadLoop(input: LeadLoopInput): Promise<void> {
  const { elector, stop, log } = input;
  if (!elector) {
    input.onElected();
    await runGroup(input, stop);
    return;
  }
  while (!stop.aborted) {
    if (!(await elector.acquire(stop))) return;
    input.onElected();
    const leader = new AbortController();
    const renewStop = new AbortController();
    const onStop = () => leader.abort(new ShutdownError());
    stop.addEventListener('abort', onStop, { once: true });
    if (stop.aborted) onStop();
    const group = runGroup(input, leader.signal);
    const renewing = elector.keepRenewing(renewStop.signal);
    const first = await Promise.race([renewing, group.then(() => 'ended' as const)]);
    stop.removeEventListener('abort', onStop);
    if (first === 'lost') {
      leader.abort(new LeaderElectionLostError());
      if (input.options.exitOnLoss ?? true) {
        log.error('leader election lost; exiting so no decision is made without the lease');
        process.exit(1);
      }
      await group;
      continue;
    }
    // Leader runnables finished draining (stop requested) or ended on their own; the lease was renewed
    // throughout, so nobody else started deciding while they drained. Now hand over.
    if (!leader.signal.aborted) leader.abort(new ShutdownError());
    renewStop.abort();
    if ((await renewing) === 'lost') log.warn('lease lost while draining');
    if (input.options.releaseOnCancel ?? true) await elector.release();
    return;
  }
}

/** Runs the leader runnables until `signal` aborts; returns once they stopped, or after the grace period. */
async function runGroup(input: LeadLoopInput, signal: AbortSignal): Promise<void> {
  const all = Promise.all(input.runnables.map((r) => input.run(r, signal)));
  let timer: NodeJS.Timeout | undefined;
  let arm = () => {};
  const expire = new Promise<void>((resolve) => {
    // A runnable that ignores its signal must not hold the shutdown forever.
    arm = () => {
      timer = setTimeout(() => {
        input.log.warn('leader runnables did not stop within the grace period; continuing shutdown');
        resolve();
      }, input.graceMs + 1000);
    };
  });
  if (signal.aborted) arm();
  else signal.addEventListener('abort', arm, { once: true });
  try {
    await Promise.race([all, expire]);
  } finally {
    signal.removeEventListener('abort', arm);
    clearTimeout(timer);
  }
}
