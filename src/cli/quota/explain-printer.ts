// Prints an explain report: a kubectl-describe-like text, or the report itself as JSON/YAML.
import { dump } from 'js-yaml';
import type { ObjectRef, OwnerReference } from '../../api/index.ts';
import type { ClaimDecision } from '../../client/index.ts';
import type { ExplainReport } from './explain-report.ts';
import type { OutputFormat } from './flags.ts';
import { shown } from './registrations.ts';
import { age, renderTable } from './table.ts';
import { consumerTitle } from './usage-printer.ts';

const HEADERS = ['RESOURCE TYPE', 'REQUESTED', 'DECISION', 'LIMIT', 'ALLOCATED', 'AVAILABLE'];

function objectTitle(ref: ObjectRef): string {
  const where = ref.namespace ? ` in namespace ${ref.namespace}` : '';
  return `${ref.kind} ${ref.name}${where}${ref.apiGroup ? ` (${ref.apiGroup})` : ''}`;
}

function ownersTitle(owners: readonly OwnerReference[]): string {
  if (owners.length === 0) return 'none (not garbage-collected with any object)';
  return owners.map((o) => `${o.kind} ${o.name} (uid ${o.uid})`).join(', ');
}

function decisionTitle(decision: ClaimDecision): string {
  if (decision.outcome === 'granted') return `Granted: ${decision.message}`;
  if (decision.outcome === 'denied') return `Denied (${decision.reason}): ${decision.message}`;
  return `Pending (${decision.reason}): ${decision.message}`;
}

function field(label: string, value: string): string {
  return `${`${label}:`.padEnd(10)}${value}\n`;
}

export function explainText(report: ExplainReport, now: Date): string {
  const created = report.created === undefined ? '-' : `${report.created} (${age(report.created, now)} ago)`;
  const decided = report.decidedAt === undefined ? '' : ` [${age(report.decidedAt, now)} ago]`;
  const policy =
    report.policy === undefined
      ? 'none: created by a service or by hand, not by a ClaimCreationPolicy'
      : `ClaimCreationPolicy ${report.policy}${report.autoCreated ? ' (created at admission)' : ''}`;
  const rows = report.requests.map((r) => [
    r.resourceType,
    shown(r.requested, r.units),
    r.status,
    shown(r.bucket?.limit, r.units),
    shown(r.bucket?.allocated, r.units),
    shown(r.bucket?.available, r.units),
  ]);
  const messages = report.requests
    .filter((r) => r.message !== undefined && r.message !== '')
    .map((r) => `  ${r.resourceType}: ${r.message}\n`);
  return [
    field('Claim', `${report.namespace}/${report.name}`),
    field('Created', created),
    field('Consumer', report.consumer === undefined ? 'none' : consumerTitle(report.consumer)),
    field('Object', report.object === undefined ? 'none' : objectTitle(report.object)),
    field('Owners', ownersTitle(report.owners)),
    field('Policy', policy),
    field('Decision', `${decisionTitle(report.decision)}${decided}`),
    '\n',
    renderTable(HEADERS, rows),
    "Limit, allocated and available are the buckets' figures now, not at the time of the decision.\n",
    ...(messages.length > 0 ? ['\nMessages:\n', ...messages] : []),
    '\nWhy:\n',
    ...report.why.map((line) => `  - ${line}\n`),
  ].join('');
}

export function printExplain(report: ExplainReport, format: OutputFormat, now: Date): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'yaml') return dump(report);
  return explainText(report, now);
}
