// Test helpers shared by the integration suites: a control plane per test
// file, and polling for eventually-true conditions.
import { after, before } from 'node:test';
import { type ControlPlane, type ControlPlaneOptions, startControlPlane } from '../../src/envtest/index.ts';

/**
 * Starts a real control plane before the file's tests and stops it after them.
 * Call at the top level of a test file; read `.current` inside tests.
 */
export function useControlPlane(options: ControlPlaneOptions = {}): { readonly current: ControlPlane } {
  let plane: ControlPlane | undefined;
  before(async () => {
    plane = await startControlPlane(options);
  });
  after(async () => {
    await plane?.stop();
  });
  return {
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
