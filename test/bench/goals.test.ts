// Issue #15's target table in `make bench`: every goal is printed, judged against the goal's own target
// (not the row's), and says `not run` / `not measured` instead of passing when its figure is missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateGoals, formatGoals, GOALS } from '../../bench/lib/goals.ts';
import type { Row } from '../../bench/lib/report.ts';

const enforcedRatio = (value: number): Row => ({
  bench: 'admission',
  scenario: 'ConfigMap, enforced (ClaimCreationPolicy)',
  metric: 'p50 ÷ ResourceQuota p50',
  value,
  unit: '×',
  // the admission bench's own (SPEC §11) target; the goal's is what counts here
  target: { op: '<=', value: 100, source: 'SPEC §11' },
});

test('every goal appears once, in order, with its verdict', () => {
  const rows: Row[] = [
    enforcedRatio(5.2),
    {
      bench: 'scale',
      scenario: '1000 consumers × 3, 10000 claims',
      metric: 'RSS at rest',
      value: 345,
      unit: 'MiB',
    },
    {
      bench: 'scale',
      scenario: '1000 consumers × 3, 10000 claims',
      metric: 'peak RSS',
      value: 600,
      unit: 'MiB',
    },
  ];
  const results = evaluateGoals(rows, ['admission', 'scale']);
  assert.deepEqual(
    results.map((r) => r.goal.id),
    GOALS.map((g) => g.id),
  );
  const verdicts = Object.fromEntries(results.map((r) => [r.goal.id, r.verdict]));
  assert.equal(verdicts['1'], 'not run');
  assert.equal(verdicts['7'], 'NOT MET');
  assert.equal(verdicts['8a'], 'met');
  assert.equal(verdicts['8b'], 'NOT MET');
  assert.equal(verdicts['8c'], 'not measured');
  const table = formatGoals(results);
  for (const goal of GOALS) assert.match(table, new RegExp(`^${goal.id} `, 'm'));
});

test('a figure at or above a ≥ target is met; NaN is not measured', () => {
  const decisions = (metric: string, scenario: string, value: number): Row => ({
    bench: 'decisions',
    scenario,
    metric,
    value,
    unit: '%',
  });
  const keepUp = GOALS.find((g) => g.id === '2a');
  assert.ok(keepUp);
  const at = (value: number) =>
    evaluateGoals([decisions(keepUp.metric, keepUp.scenario, value)], ['decisions']).find(
      (r) => r.goal.id === '2a',
    )?.verdict;
  assert.equal(at(95), 'met');
  assert.equal(at(94.9), 'NOT MET');
  assert.equal(at(Number.NaN), 'not measured');
  assert.equal(
    evaluateGoals([enforcedRatio(3)], ['admission']).find((r) => r.goal.id === '7')?.verdict,
    'met',
  );
});
