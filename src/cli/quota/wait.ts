// `kubectl quota wait claim <name> [-n ns] [--timeout 30s] [-o text|json]`: blocks until the claim is
// decided. Exit 0 granted, 1 denied, 2 still pending at the timeout, 3 any error (see errors.ts).
import { type DeniedRequest, type WaitResult, waitForDecision } from '../../client/index.ts';
import type { VerbContext } from './context.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { EXIT, UsageError } from './errors.ts';
import { claimName, type GlobalFlags, globalFlags, parseLine } from './flags.ts';
import { readClaim } from './lookup.ts';
import { type Registrations, readRegistrations, shown, unitsOf } from './registrations.ts';

export interface WaitOptions {
  readonly global: GlobalFlags;
  readonly name: string;
  readonly timeoutMs: number;
  readonly output: 'text' | 'json';
}

const VERB = 'wait';
export const DEFAULT_TIMEOUT_MS = 30_000;

export function parseWait(argv: readonly string[]): WaitOptions {
  const line = parseLine(VERB, argv, { timeout: { type: 'string' }, output: { type: 'string', short: 'o' } });
  const output = line.strings.get('output') ?? 'text';
  if (output !== 'text' && output !== 'json') {
    throw new UsageError(`-o/--output: unknown format "${output}"`, 'use -o text or -o json', {
      flag: '--output',
      verb: VERB,
    });
  }
  const timeout = line.strings.get('timeout');
  return {
    global: globalFlags(line, VERB),
    name: claimName(line, VERB),
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(timeout, '--timeout', VERB),
    output,
  };
}

/**
 * One denied request: the operator's message as written (base units, and display units when the
 * registration converts), then the amount requested in parentheses, in display units when the registration
 * is known, unless the message already says it.
 */
function denialLine(d: DeniedRequest, registrations: Registrations): string {
  const units = unitsOf(registrations.get(d.resourceType));
  const requested = `requested ${shown(d.requested, units)}`;
  // An operator message that already shows display units (`… (4 vCPUs requested, …)`) is not repeated.
  const inDisplay = units !== undefined && d.message.includes(`${shown(d.requested, units)} requested`);
  const repeat = d.message.includes(requested) || inDisplay;
  return `  ${d.resourceType}: ${d.message || d.reason}${repeat ? '' : ` (${requested})`}\n`;
}

export function waitText(
  name: string,
  result: WaitResult,
  timeoutMs: number,
  registrations: Registrations = new Map(),
): string {
  const claim = `resourceclaim/${name}`;
  if (result.outcome === 'granted') return `${claim} granted: ${result.message}\n`;
  if (result.outcome === 'timeout') {
    return `${claim} not decided after ${formatDuration(timeoutMs)}: ${result.message}\n`;
  }
  return `${claim} denied (${result.reason}): ${result.message}\n${result.denials.map((d) => denialLine(d, registrations)).join('')}`;
}

const EXIT_BY_OUTCOME = { granted: EXIT.ok, denied: EXIT.denied, timeout: EXIT.timeout } as const;

export async function runWait(options: WaitOptions, ctx: VerbContext): Promise<number> {
  const ref = { namespace: ctx.connection.namespace, name: options.name };
  await readClaim(ctx.api, ref); // a clear "not found, did you mean" before waiting
  const result = await waitForDecision(ctx.connection.kubeConfig, ref, {
    timeoutMs: options.timeoutMs,
    onFallback: (error) =>
      ctx.stderr.write(`warning: cannot watch the claim (${error.message}); polling instead\n`),
  });
  if (options.output === 'json') {
    ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    // only a denial shows figures; the registrations (display units) are read for it alone
    const registrations =
      result.outcome === 'denied' ? await readRegistrations(ctx.api, ctx.stderr) : new Map();
    ctx.stdout.write(waitText(options.name, result, options.timeoutMs, registrations));
  }
  return EXIT_BY_OUTCOME[result.outcome];
}
