// Command-line parsing shared by the verbs: kubectl's global flags plus each verb's own, with errors that
// name the flag and point at the verb's help.
import { parseArgs } from 'node:util';
import { dnsLabelProblem } from '../../api/index.ts';
import { UsageError } from './errors.ts';

export interface FlagDef {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

export type FlagDefs = Readonly<Record<string, FlagDef>>;

/** kubectl's connection flags, which every verb takes. */
export const GLOBAL_FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagDefs;

export interface GlobalFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
}

export interface ParsedLine {
  readonly strings: ReadonlyMap<string, string>;
  readonly booleans: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

function flagOf(message: string): string {
  return /'(-[^' ,]+)/.exec(message)?.[1] ?? /--[a-z-]+/.exec(message)?.[0] ?? 'a flag';
}

/** Parses `argv` for `verb` with the global flags and `defs`; throws UsageError naming the bad flag. */
export function parseLine(verb: string, argv: readonly string[], defs: FlagDefs): ParsedLine {
  const options = { ...GLOBAL_FLAGS, ...defs };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const flag = flagOf(message);
    const help = `see 'kubectl quota ${verb} --help' for the flags it takes`;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown flag ${flag}`, help, { flag, verb });
    const long = /--([a-z-]+)/.exec(message)?.[0] ?? flag;
    if (message.includes('argument missing')) {
      throw new UsageError(`flag ${long} needs a value`, `pass it as ${long} <value> or ${long}=<value>`, {
        flag: long,
        verb,
      });
    }
    throw new UsageError(`bad flag ${long}: ${message}`, help, { flag: long, verb });
  }
  const strings = new Map<string, string>();
  const booleans = new Set<string>();
  for (const [key, value] of Object.entries(parsed.values)) {
    // `-n=foo` reaches parseArgs as the value `=foo`; kubectl reads it as `foo`.
    if (typeof value === 'string') strings.set(key, value.startsWith('=') ? value.slice(1) : value);
    else if (value === true) booleans.add(key);
  }
  return { strings, booleans, positionals: parsed.positionals };
}

/** The global flags of a parsed line, with the namespace checked. */
export function globalFlags(line: ParsedLine, verb: string): GlobalFlags {
  const namespace = line.strings.get('namespace');
  if (namespace !== undefined) {
    const problem = dnsLabelProblem(namespace);
    if (problem !== undefined) {
      throw new UsageError(`--namespace: ${problem}`, 'pass an existing namespace, e.g. -n quota-system', {
        flag: '--namespace',
        verb,
      });
    }
  }
  const pick = (key: string) => {
    const value = line.strings.get(key);
    if (value === '') {
      throw new UsageError(`--${key} is empty`, `pass a value or leave the flag out`, {
        flag: `--${key}`,
        verb,
      });
    }
    return value === undefined ? {} : { [key]: value };
  };
  return { ...pick('kubeconfig'), ...pick('context'), ...(namespace === undefined ? {} : { namespace }) };
}

/** `-o table|json|yaml`, defaulting to `fallback`. */
export type OutputFormat = 'table' | 'json' | 'yaml';

export function outputFormat(line: ParsedLine, verb: string, fallback: OutputFormat = 'table'): OutputFormat {
  const value = line.strings.get('output') ?? fallback;
  if (value === 'table' || value === 'json' || value === 'yaml') return value;
  throw new UsageError(`-o/--output: unknown format "${value}"`, 'use -o table, -o json or -o yaml', {
    flag: '--output',
    verb,
  });
}

/** `claim <name>`, `claim/<name>`, `resourceclaim <name>`: the claim name a verb acts on. */
export function claimName(line: ParsedLine, verb: string): string {
  const [first, second, ...rest] = line.positionals;
  const fix = `write 'kubectl quota ${verb} claim <name> [-n <namespace>]'`;
  if (first === undefined) throw new UsageError(`${verb} needs a claim`, fix, { verb });
  const [kind, inline] = first.includes('/') ? first.split('/', 2) : [first, undefined];
  if (!['claim', 'claims', 'resourceclaim', 'resourceclaims', 'qclaim'].includes(kind?.toLowerCase() ?? '')) {
    throw new UsageError(`${verb} works on claims, not "${kind}"`, fix, { verb });
  }
  const name = inline ?? second;
  const extra = inline === undefined ? rest : [second, ...rest].filter((x) => x !== undefined);
  if (name === undefined || name === '')
    throw new UsageError(`${verb} needs the claim's name`, fix, { verb });
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, fix, { verb });
  return name;
}
