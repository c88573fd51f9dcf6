// What a verb runs with. Output, environment, clock and the cluster connection are injected, so tests can
// capture output and point the CLI at a test control plane in-process.
import type { QuotaApi } from '../../client/index.ts';
import type { GlobalFlags } from './flags.ts';
import type { Connection, Env } from './kubeconfig.ts';

export interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
}

export interface CliDeps {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Env;
  readonly now: () => Date;
  /** Resolves kubeconfig and context; the default follows kubectl's rules (kubeconfig.ts). */
  readonly connect: (flags: GlobalFlags, env: Env) => Connection;
  /** Makes the API client for a connection (quotaApi from the client package by default). */
  readonly api: (connection: Connection) => QuotaApi;
}

/** A verb's view: the connection, the API, where to write, and whether to colour. */
export interface VerbContext {
  readonly connection: Connection;
  readonly api: QuotaApi;
  readonly stdout: Output;
  readonly stderr: Output;
  readonly now: () => Date;
  /** stdout is a terminal and NO_COLOR is unset or empty. */
  readonly colour: boolean;
}

export function wantsColour(stdout: Output, env: Env): boolean {
  return stdout.isTTY === true && (env.NO_COLOR ?? '') === '';
}
