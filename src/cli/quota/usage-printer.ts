// Prints bucket usage grouped per consumer: a table with usage bars, or a stable JSON/YAML document.
import { dump } from 'js-yaml';
import type { ConsumerRef } from '../../api/index.ts';
import { usageBar, usageOf } from './bar.ts';
import type { OutputFormat } from './flags.ts';
import { figure, renderTable } from './table.ts';

export interface BucketUsage {
  readonly namespace: string;
  readonly name: string;
  readonly resourceType: string;
  /** Undefined until the operator has written the bucket's status. */
  readonly limit?: number;
  readonly allocated?: number;
  readonly available?: number;
  readonly claims?: number;
}

export interface ConsumerUsage {
  readonly consumer: ConsumerRef;
  readonly buckets: readonly BucketUsage[];
}

const HEADERS = ['RESOURCE TYPE', 'LIMIT', 'ALLOCATED', 'AVAILABLE', 'CLAIMS', 'USAGE'];

/** `Organization acme (resourcemanager.miloapis.com)`, with ` in namespace x` for namespaced consumers. */
export function consumerTitle(consumer: ConsumerRef): string {
  const where = consumer.namespace ? ` in namespace ${consumer.namespace}` : '';
  const group = consumer.apiGroup ? ` (${consumer.apiGroup})` : '';
  return `${consumer.kind} ${consumer.name}${where}${group}`;
}

function row(bucket: BucketUsage, colour: boolean): string[] {
  const { limit, allocated } = bucket;
  const bar =
    limit === undefined || allocated === undefined
      ? 'not reconciled yet'
      : usageBar(limit, allocated, colour);
  const cells = [bucket.limit, bucket.allocated, bucket.available, bucket.claims].map(figure);
  return [bucket.resourceType, ...cells, bar];
}

export function usageTable(groups: readonly ConsumerUsage[], colour: boolean): string {
  return groups
    .map(
      (g) =>
        `CONSUMER: ${consumerTitle(g.consumer)}\n${renderTable(
          HEADERS,
          g.buckets.map((b) => row(b, colour)),
        )}`,
    )
    .join('\n');
}

/** The machine-readable shape: figures plus the derived usage percent and over-commit. */
export function usageDocument(groups: readonly ConsumerUsage[]) {
  return {
    consumers: groups.map((g) => ({
      consumer: g.consumer,
      buckets: g.buckets.map((b) => {
        const usage =
          b.limit === undefined || b.allocated === undefined ? undefined : usageOf(b.limit, b.allocated);
        return {
          ...b,
          ...(usage === undefined
            ? {}
            : { usagePercent: usage.percent ?? null, overCommitted: usage.overCommitted }),
        };
      }),
    })),
  };
}

export function printUsage(groups: readonly ConsumerUsage[], format: OutputFormat, colour: boolean): string {
  if (format === 'json') return `${JSON.stringify(usageDocument(groups), null, 2)}\n`;
  if (format === 'yaml') return dump(usageDocument(groups));
  return usageTable(groups, colour);
}
