// The benchmark report: one row per figure, with the SPEC §11 target beside it when there is one, printed as
// a table and written as JSON to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from './machine.ts';

/** A target (SPEC §11, issue #15): the figure must be at most (or at least) `value`. */
export interface Target {
  readonly op: '<=' | '>=';
  readonly value: number;
  /** Where the target comes from, e.g. "SPEC §11" or "issue #15". */
  readonly source: string;
}

export interface Row {
  readonly bench: string;
  readonly scenario: string;
  readonly metric: string;
  /** NaN or undefined = not measured (say why in `note`). */
  readonly value: number | undefined;
  readonly unit: string;
  readonly target?: Target;
  readonly note?: string;
}

export type Verdict = 'met' | 'NOT MET' | 'not measured' | '';

export function verdict(row: Row): Verdict {
  if (row.value === undefined || Number.isNaN(row.value)) return 'not measured';
  if (!row.target) return '';
  const ok = row.target.op === '<=' ? row.value <= row.target.value : row.value >= row.target.value;
  return ok ? 'met' : 'NOT MET';
}

const fmt = (x: number | undefined): string => {
  if (x === undefined || Number.isNaN(x)) return '—';
  if (Math.abs(x) >= 100) return String(Math.round(x));
  return String(Math.round(x * 100) / 100);
};

export function formatTable(rows: readonly Row[]): string {
  const header = ['bench', 'scenario', 'metric', 'value', 'target', 'verdict', 'note'];
  const body = rows.map((r) => [
    r.bench,
    r.scenario,
    r.metric,
    `${fmt(r.value)} ${r.unit}`.trim(),
    r.target ? `${r.target.op} ${fmt(r.target.value)} ${r.unit}` : '',
    verdict(r),
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export interface Report {
  readonly startedAt: string;
  readonly command: string;
  readonly machine: Machine;
  readonly durationsSeconds: Record<string, number>;
  readonly rows: readonly Row[];
  /** Issue #15's targets, each with the figure it was judged on. */
  readonly goals: readonly {
    readonly id: string;
    readonly figure: string;
    readonly value: number | undefined;
    readonly unit: string | undefined;
    readonly target: Target;
    readonly verdict: string;
  }[];
  /** Anything a bench wants kept beyond the rows (setup timings, raw counts). */
  readonly details: Record<string, unknown>;
}

/** Writes the report to `dir/<bench names>-<timestamp>.json`; returns the path. */
export function writeReport(dir: string, names: readonly string[], report: Report): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const path = join(dir, `${names.join('+')}-${stamp}.json`);
  const rows = report.rows.map((r) => ({ ...r, verdict: verdict(r) }));
  writeFileSync(path, `${JSON.stringify({ ...report, rows }, null, 2)}\n`);
  return path;
}
