// CLI errors and exit codes. Every error says what is wrong and how to fix it; `flag` names the flag at
// fault for bad command lines.

/** Exit codes, the same for every verb (documented in docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** `wait`: the claim was denied. */
  denied: 1,
  /** `wait`: no decision before --timeout. */
  timeout: 2,
  /** Bad flags, no cluster, missing CRDs, unknown names, any other error. */
  error: 3,
} as const;

export class CliError extends Error {
  readonly fix: string;

  constructor(problem: string, fix: string) {
    super(`${problem}: ${fix}`);
    this.name = new.target.name;
    this.fix = fix;
  }
}

/** A bad command line. `verb` picks the help text to point at. */
export class UsageError extends CliError {
  readonly flag: string | undefined;
  readonly verb: string | undefined;

  constructor(problem: string, fix: string, options: { flag?: string; verb?: string } = {}) {
    super(problem, fix);
    this.flag = options.flag;
    this.verb = options.verb;
  }
}
