// Test helpers shared by the integration suites: a control plane per test
// file, and polling for eventually-true conditions.
import { after, before } from 'node:test';
import { type ControlPlane, type ControlPlaneOptions, startControlPlane } from '../../src/envtest/index.ts';

export type { ControlPlane };

/**
 * Starts a real control plane before the file's tests and stops it after them.
 * Call at the top level of a test file; read `.current` inside tests.
 */
export interface ControlPlaneHandle {
  /** The started control plane; throws outside a test. */
  readonly current: ControlPlane;
  /** Resolves once it has started: hooks registered later (root hooks run at once) await this. */
  readonly ready: Promise<ControlPlane>;
  /** Runs `stop` before the control plane stops (an operator must go first, or it logs connection errors). */
  beforeStop(stop: () => Promise<void>): void;
}

export function useControlPlane(options: ControlPlaneOptions = {}): ControlPlaneHandle {
  let plane: ControlPlane | undefined;
  let markReady: (plane: ControlPlane) => void = () => {};
  const ready = new Promise<ControlPlane>((resolve) => {
    markReady = resolve;
  });
  before(async () => {
    plane = await startControlPlane(options);
    markReady(plane);
  });
  const dependents: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of dependents.reverse()) await stop();
    await plane?.stop();
  });
  return {
    ready,
    beforeStop: (stop) => {
      dependents.push(stop);
    },
    get current(): ControlPlane {
      if (!plane) throw new Error('the control plane is not started (use it inside a test)');
      return plane;
    },
  };
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const cause = lastError instanceof Error ? `: last error ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}
