// Prints bucket usage grouped per consumer: a table with usage bars (figures in display units when the
// registration is known) and a table of feature states, or a stable JSON/YAML document (base units, with
// the display figures alongside).
import { dump } from 'js-yaml';
import type { ConsumerRef } from '../../api/index.ts';
import { type DisplayUnits, toDisplayValue } from '../../quota/display-units.ts';
import { usageBar, usageOf } from './bar.ts';
import type { OutputFormat } from './flags.ts';
import { shown } from './registrations.ts';
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
  /** From the bucket's ResourceRegistration; absent when it is unknown (figures stay in base units). */
  readonly units?: DisplayUnits;
}

/** A bucket of a Feature registration: on or off for the consumer, no quantities. */
export interface FeatureState {
  readonly namespace: string;
  readonly name: string;
  readonly resourceType: string;
  /** False until the operator has written the bucket's status (the feature is off until then). */
  readonly reconciled: boolean;
  readonly enabled: boolean;
}

export interface ConsumerUsage {
  readonly consumer: ConsumerRef;
  readonly buckets: readonly BucketUsage[];
  readonly features?: readonly FeatureState[];
}

const HEADERS = ['RESOURCE TYPE', 'LIMIT', 'ALLOCATED', 'AVAILABLE', 'CLAIMS', 'USAGE'];
const FEATURE_HEADERS = ['FEATURE', 'STATE'];

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
  const cells = [bucket.limit, bucket.allocated, bucket.available].map((v) => shown(v, bucket.units));
  return [bucket.resourceType, ...cells, figure(bucket.claims), bar];
}

function featureState(feature: FeatureState): string {
  if (!feature.reconciled) return 'off (not reconciled yet)';
  return feature.enabled ? 'on' : 'off';
}

export function usageTable(groups: readonly ConsumerUsage[], colour: boolean): string {
  return groups
    .map((g) => {
      const features = g.features ?? [];
      const tables = [
        ...(g.buckets.length === 0
          ? []
          : [
              renderTable(
                HEADERS,
                g.buckets.map((b) => row(b, colour)),
              ),
            ]),
        ...(features.length === 0
          ? []
          : [
              renderTable(
                FEATURE_HEADERS,
                features.map((f) => [f.resourceType, featureState(f)]),
              ),
            ]),
      ];
      return `CONSUMER: ${consumerTitle(g.consumer)}\n${tables.join('\n')}`;
    })
    .join('\n');
}

function displayFigures(b: BucketUsage) {
  const { units } = b;
  if (units === undefined) return {};
  const value = (v: number | undefined) =>
    v === undefined ? null : toDisplayValue(v, units.unitConversionFactor);
  return {
    display: {
      unit: units.displayUnit,
      unitConversionFactor: units.unitConversionFactor,
      limit: value(b.limit),
      allocated: value(b.allocated),
      available: value(b.available),
    },
  };
}

/** The machine-readable shape: figures plus the derived usage percent and over-commit. */
export function usageDocument(groups: readonly ConsumerUsage[]) {
  return {
    consumers: groups.map((g) => ({
      consumer: g.consumer,
      buckets: g.buckets.map((b) => {
        const { units: _units, ...figures } = b;
        const usage =
          b.limit === undefined || b.allocated === undefined ? undefined : usageOf(b.limit, b.allocated);
        return {
          ...figures,
          ...(usage === undefined
            ? {}
            : { usagePercent: usage.percent ?? null, overCommitted: usage.overCommitted }),
          ...displayFigures(b),
        };
      }),
      ...(g.features === undefined ? {} : { features: g.features }),
    })),
  };
}

export function printUsage(groups: readonly ConsumerUsage[], format: OutputFormat, colour: boolean): string {
  if (format === 'json') return `${JSON.stringify(usageDocument(groups), null, 2)}\n`;
  if (format === 'yaml') return dump(usageDocument(groups));
  return usageTable(groups, colour);
}
