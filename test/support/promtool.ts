// promtool (Prometheus' rule checker and rule unit-test runner), built from Go modules by
// tools/promtool/build.sh on first use, as src/envtest/binary.ts does for the control plane.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoPath } from './kube.ts';

const run = promisify(execFile);
let cached: Promise<string> | undefined;

/** The promtool binary: `PROMTOOL_BIN`, or tools/promtool/build.sh's cached build (minutes when cold). */
export function promtoolBinary(): Promise<string> {
  const fromEnv = process.env.PROMTOOL_BIN;
  if (fromEnv) return Promise.resolve(fromEnv);
  cached ??= run('bash', [repoPath('tools/promtool/build.sh')], { maxBuffer: 1 << 20 }).then(({ stdout }) =>
    stdout.trim(),
  );
  return cached;
}

export interface PromtoolResult {
  readonly code: number;
  /** stdout and stderr together: promtool reports failures on either. */
  readonly output: string;
}

/** Runs promtool with `args` in `cwd`; never throws on a non-zero exit (the caller asserts on it). */
export async function promtool(args: readonly string[], cwd: string): Promise<PromtoolResult> {
  const bin = await promtoolBinary();
  try {
    const { stdout, stderr } = await run(bin, [...args], { cwd, maxBuffer: 16 << 20 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * Metric names an expression reads: `{__name__="..."}` selectors, and identifiers that are not functions,
 * aggregations, keywords, label names (in `{...}` or `by/on/...(...)`), strings, durations or numbers. Enough
 * for our rules; not a PromQL parser.
 */
export function metricNames(expr: string): string[] {
  const noComments = expr.replace(/#[^\n]*/g, ' ');
  const names = new Set<string>();
  for (const m of noComments.matchAll(/__name__\s*=\s*"([^"]+)"/g)) names.add(m[1] ?? '');
  const s = noComments
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/(?<![A-Za-z0-9_:])[0-9][A-Za-z0-9_.]*/g, ' ');
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    if (NOT_METRICS.has(word)) continue;
    if (
      s
        .slice(m.index + word.length)
        .trimStart()
        .startsWith('(')
    )
      continue; // a call
    names.add(word);
  }
  return [...names].sort();
}

const NOT_METRICS = new Set([
  ...['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool'],
  ...['and', 'or', 'unless', 'atan2', 'inf', 'Inf', 'nan', 'NaN'],
  ...['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values'],
  ...['bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio'],
]);
