// `make bench` / `npm run bench`: runs every benchmark (or the ones named: `make bench BENCH=decisions`,
// `node bench/run.ts decisions scale --scale=small`), each on its own control plane and operator, prints
// one table with the SPEC §11 target beside each figure, then issue #15's target table (every row, `met` /
// `NOT MET` / `not run`), and writes JSON to bench/results/.
import { parseArgs } from 'node:util';
import { admissionBench } from './admission/index.ts';
import { decisionsBench } from './decisions/index.ts';
import type { Bench, BenchResult, Scale } from './lib/bench.ts';
import { evaluateGoals, formatGoals } from './lib/goals.ts';
import { describeMachine, formatMachine } from './lib/machine.ts';
import { formatTable, type Row, writeReport } from './lib/report.ts';
import { scaleBench } from './scale/index.ts';

const BENCHES: readonly Bench[] = [decisionsBench, admissionBench, scaleBench];

function usage(problem: string): never {
  const names = BENCHES.map((b) => `  ${b.name.padEnd(10)} ${b.description}`).join('\n');
  console.error(`${problem}\nusage: node bench/run.ts [name...] [--scale=small|full]\nbenchmarks:\n${names}`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: { scale: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
})();
if (values.help) usage('');
const scale = (values.scale ?? process.env.SCALE ?? 'full') as Scale;
if (scale !== 'small' && scale !== 'full') usage(`--scale: "${scale}" is not a scale; use small or full`);
const wanted =
  positionals.length > 0 ? positionals : (process.env.BENCH ?? '').split(/[\s,]+/).filter(Boolean);
const unknown = wanted.filter((name) => !BENCHES.some((b) => b.name === name));
if (unknown.length > 0) usage(`unknown benchmark: ${unknown.join(', ')}`);
const selected = wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;

const machine = describeMachine();
const startedAt = new Date().toISOString();
console.log(`machine: ${formatMachine(machine)}`);
console.log(`scale: ${scale}; benchmarks: ${selected.map((b) => b.name).join(', ')}`);
if (machine.loadAverage > machine.nproc / 2) {
  console.log(
    `note: load average ${machine.loadAverage} at start: other work shares these cores, figures are noisy`,
  );
}

const rows: Row[] = [];
const details: Record<string, unknown> = {};
const durations: Record<string, number> = {};
let failed = false;
for (const bench of selected) {
  const t0 = performance.now();
  const log = (message: string) =>
    console.log(`[${bench.name} ${((performance.now() - t0) / 1000).toFixed(1)}s] ${message}`);
  let result: BenchResult;
  try {
    result = await bench.run({ scale, log });
  } catch (error) {
    failed = true;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`[${bench.name}] failed: ${message}`);
    result = {
      rows: [
        {
          bench: bench.name,
          scenario: '',
          metric: 'run',
          value: undefined,
          unit: '',
          note: `failed: ${String(error)}`,
        },
      ],
      details: {},
    };
  }
  durations[bench.name] = Math.round(performance.now() - t0) / 1000;
  rows.push(...result.rows);
  details[bench.name] = result.details;
  log('done');
}

console.log(`\n${formatTable(rows)}\n`);
const goals = evaluateGoals(
  rows,
  selected.map((b) => b.name),
);
console.log(`Issue #15 targets (ratios against baselines measured in this run):\n${formatGoals(goals)}\n`);
const command = `node bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();
const path = writeReport(
  new URL('./results', import.meta.url).pathname,
  selected.map((b) => b.name),
  {
    startedAt,
    command,
    machine,
    durationsSeconds: durations,
    rows,
    goals: goals.map(({ goal, row, verdict }) => ({
      id: goal.id,
      figure: goal.label,
      value: row?.value,
      unit: row?.unit,
      target: goal.target,
      verdict,
    })),
    details,
  },
);
console.log(`machine: ${formatMachine(machine)}\nresults: ${path}`);
process.exit(failed ? 1 : 0);
