// Dispatch: parse and validate the command line (no cluster needed), then connect, then run the verb.
// Every failure ends here as one `error: ...` line on stderr and exit code 3.
import { QuotaClientError, quotaApi } from '../../client/index.ts';
import type { CliDeps, VerbContext } from './context.ts';
import { wantsColour } from './context.ts';
import { CliError, EXIT, UsageError } from './errors.ts';
import { type ExplainOptions, parseExplain, runExplain } from './explain.ts';
import type { GlobalFlags } from './flags.ts';
import { MAIN_HELP, VERB_HELP } from './help.ts';
import { connect } from './kubeconfig.ts';
import { parseUsage, runUsage, type UsageOptions } from './usage.ts';
import { parseWait, runWait, type WaitOptions } from './wait.ts';

type Parsed =
  | { readonly verb: 'usage'; readonly options: UsageOptions }
  | { readonly verb: 'explain'; readonly options: ExplainOptions }
  | { readonly verb: 'wait'; readonly options: WaitOptions };

function parse(verb: string, rest: readonly string[]): Parsed {
  if (verb === 'usage') return { verb, options: parseUsage(rest) };
  if (verb === 'explain') return { verb, options: parseExplain(rest) };
  if (verb === 'wait') return { verb, options: parseWait(rest) };
  throw new UsageError(
    `unknown command "${verb}"`,
    'use one of: usage, explain, wait (kubectl quota --help)',
  );
}

function runVerb(parsed: Parsed, ctx: VerbContext): Promise<number> {
  if (parsed.verb === 'usage') return runUsage(parsed.options, ctx);
  if (parsed.verb === 'explain') return runExplain(parsed.options, ctx);
  return runWait(parsed.options, ctx);
}

const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');

/** The default dependencies: real kubeconfig resolution and API client. */
export const defaultConnect: Pick<CliDeps, 'connect' | 'api'> = {
  connect,
  api: (connection) => quotaApi(connection.kubeConfig),
};

/** Runs `kubectl quota <argv>` and returns the exit code. */
export async function runQuota(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    deps.stderr.write(MAIN_HELP);
    return EXIT.error;
  }
  if (verb === 'help' || verb === '--help' || verb === '-h') {
    deps.stdout.write(rest[0] !== undefined && VERB_HELP[rest[0]] ? (VERB_HELP[rest[0]] ?? '') : MAIN_HELP);
    return EXIT.ok;
  }
  if (VERB_HELP[verb] !== undefined && wantsHelp(rest)) {
    deps.stdout.write(VERB_HELP[verb] ?? '');
    return EXIT.ok;
  }
  try {
    const parsed = parse(verb, rest);
    const global: GlobalFlags = parsed.options.global;
    const connection = deps.connect(global, deps.env);
    const ctx: VerbContext = {
      connection,
      api: deps.api(connection),
      stdout: deps.stdout,
      stderr: deps.stderr,
      now: deps.now,
      colour: wantsColour(deps.stdout, deps.env),
    };
    return await runVerb(parsed, ctx);
  } catch (error) {
    deps.stderr.write(`error: ${describe(error)}\n`);
    if (error instanceof UsageError && error.verb !== undefined) {
      deps.stderr.write(`See 'kubectl quota ${error.verb} --help'.\n`);
    }
    return EXIT.error;
  }
}

function describe(error: unknown): string {
  if (error instanceof CliError || error instanceof QuotaClientError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
