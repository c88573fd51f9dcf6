// The `kubectl quota` plugin as a library: run it in-process (tests, other CLIs) with injected output,
// environment, clock and connection.
export type { CliDeps, Output, VerbContext } from './context.ts';
export { EXIT } from './errors.ts';
export { defaultConnect, runQuota } from './run.ts';
