// Issue #15's target table ("Decisions at scale"), one goal per figure: where the figure comes from (the
// bench, scenario and metric of a report row) and its target. `bench/run.ts` prints these last, each with
// `met` / `NOT MET`, whatever benchmarks were selected (`not run` for the others). Every ratio is against a
// baseline measured in the same run; the benchmarks attach the same targets to their own rows.
import { type Row, type Target, verdict } from './report.ts';

export const ISSUE = 'issue #15';

const atMost = (value: number): Target => ({ op: '<=', value, source: ISSUE });
const atLeast = (value: number): Target => ({ op: '>=', value, source: ISSUE });

/** Scenario and metric names of the decision benchmark's rows that the goals below read. */
export const DECISIONS = {
  burstOne: 'burst, 1 consumer',
  burstMany: 'burst, 1000 consumers',
  steadyOne: 'steady, 1 consumer',
  steadyMany: 'steady, 1000 consumers',
  grants: 'start-up: 1002 grants',
  allRuns: 'operator runs',
  throughputRatio: 'baseline throughput ÷ operator throughput',
  achievedOfOffered: 'decided ÷ offered rate',
  backlogGrowth: 'backlog growth ÷ offered rate',
  p99Ratio: 'p99 ÷ baseline p99 (same rate)',
  p50Added: 'p50 − baseline p50 (same rate)',
  cpuWorst: 'operator CPU per decision (worst run)',
  writesWorst: 'apiserver writes per decided claim (worst 1000-consumer run)',
  activationRate: 'grants Active per s ÷ status writes per s',
  activationTime: 'ready → all Active ÷ create time',
} as const;

export interface Goal {
  /** The row of the issue's table (1–8) and a letter where one row has several figures. */
  readonly id: string;
  readonly label: string;
  readonly bench: string;
  readonly scenario: string;
  readonly metric: string;
  readonly target: Target;
  readonly unit: string;
}

const d = DECISIONS;
export const GOALS: readonly Goal[] = [
  {
    id: '1',
    label: 'burst over 1,000 consumers: baseline ÷ operator throughput',
    bench: 'decisions',
    scenario: d.burstMany,
    metric: d.throughputRatio,
    target: atMost(1.2),
    unit: '×',
  },
  {
    id: '2a',
    label: 'steady rate over 1,000 consumers: keeps up (decided ÷ offered rate)',
    bench: 'decisions',
    scenario: d.steadyMany,
    metric: d.achievedOfOffered,
    target: atLeast(95),
    unit: '%',
  },
  {
    id: '2b',
    label: 'steady rate over 1,000 consumers: keeps up (backlog growth ÷ offered rate)',
    bench: 'decisions',
    scenario: d.steadyMany,
    metric: d.backlogGrowth,
    target: atMost(5),
    unit: '%',
  },
  {
    id: '2c',
    label: 'steady rate over 1,000 consumers: p99 ÷ baseline p99',
    bench: 'decisions',
    scenario: d.steadyMany,
    metric: d.p99Ratio,
    target: atMost(2),
    unit: '×',
  },
  {
    id: '3',
    label: 'steady rate, one consumer: p50 − baseline p50',
    bench: 'decisions',
    scenario: d.steadyOne,
    metric: d.p50Added,
    target: atMost(10),
    unit: 'ms',
  },
  {
    id: '4',
    label: 'operator CPU per decision (worst operator run)',
    bench: 'decisions',
    scenario: d.allRuns,
    metric: d.cpuWorst,
    target: atMost(0.7),
    unit: 'ms',
  },
  {
    id: '5',
    label: 'apiserver write requests per decided claim (1,000 consumers, worst run)',
    bench: 'decisions',
    scenario: d.allRuns,
    metric: d.writesWorst,
    target: atMost(1.1),
    unit: '',
  },
  {
    id: '6a',
    label: 'grants turning Active: rate ÷ the apiserver status-write rate',
    bench: 'decisions',
    scenario: d.grants,
    metric: d.activationRate,
    target: atLeast(0.7),
    unit: '×',
  },
  {
    id: '6b',
    label: 'grants turning Active: all Active (from ready) ÷ time to create them',
    bench: 'decisions',
    scenario: d.grants,
    metric: d.activationTime,
    target: atMost(1.5),
    unit: '×',
  },
  {
    id: '7',
    label: 'enforced create p50 ÷ built-in ResourceQuota p50',
    bench: 'admission',
    scenario: 'ConfigMap, enforced (ClaimCreationPolicy)',
    metric: 'p50 ÷ ResourceQuota p50',
    target: atMost(3),
    unit: '×',
  },
  {
    id: '8a',
    label: '10k consumers × 3 types, 100k claims: RSS at rest',
    bench: 'scale',
    scenario: '',
    metric: 'RSS at rest',
    target: atMost(512),
    unit: 'MiB',
  },
  {
    id: '8b',
    label: '10k consumers × 3 types, 100k claims: peak RSS',
    bench: 'scale',
    scenario: '',
    metric: 'peak RSS',
    target: atMost(512),
    unit: 'MiB',
  },
  {
    id: '8c',
    label: '10k consumers × 3 types, 100k claims: start → ready',
    bench: 'scale',
    scenario: '',
    metric: 'operator start → /readyz',
    target: atMost(15),
    unit: 's',
  },
];

/** The target of goal `id`, for a benchmark to attach to its own row. */
export function goalTarget(id: string): Target {
  const goal = GOALS.find((g) => g.id === id);
  if (!goal) throw new Error(`no goal ${id}`);
  return goal.target;
}

export interface GoalResult {
  readonly goal: Goal;
  readonly row: Row | undefined;
  readonly verdict: string;
}

/** Each goal with the row that carries its figure (an empty goal scenario matches any: the scale bench
 * names its scenario by its size) and the verdict against the goal's own target. */
export function evaluateGoals(rows: readonly Row[], ran: readonly string[]): GoalResult[] {
  return GOALS.map((goal) => {
    const row = rows.find(
      (r) =>
        r.bench === goal.bench &&
        r.metric === goal.metric &&
        (goal.scenario === '' || r.scenario === goal.scenario),
    );
    if (!ran.includes(goal.bench)) return { goal, row, verdict: 'not run' };
    if (!row) return { goal, row, verdict: 'not measured' };
    return { goal, row, verdict: verdict({ ...row, target: goal.target }) };
  });
}

const fmt = (x: number | undefined): string =>
  x === undefined || Number.isNaN(x) ? '—' : String(Math.round(x * 100) / 100);

export function formatGoals(results: readonly GoalResult[]): string {
  const header = ['#', 'figure (issue #15)', 'value', 'target', 'verdict', 'from'];
  const body = results.map(({ goal, row, verdict: v }) => {
    const unit = row?.unit ?? goal.unit;
    return [
      goal.id,
      goal.label,
      `${fmt(row?.value)} ${unit}`.trim(),
      `${goal.target.op} ${fmt(goal.target.value)} ${unit}`.trim(),
      v,
      row ? `${goal.bench}: ${row.scenario} / ${row.metric}${row.note ? ` (${row.note})` : ''}` : goal.bench,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === widths.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
