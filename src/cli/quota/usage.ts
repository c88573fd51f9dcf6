// `kubectl quota usage [--consumer kind[.group]/name] [-n ns | -A] [-o table|json|yaml]`: what each
// consumer may use, has allocated and has left, per resource type, from the AllowanceBuckets.
//
// Buckets live where the operator puts them (quota-system by default, organization-<name> in Milo's
// layout), not in the user's namespace, so without -n the command reads every namespace.
import type { AllowanceBucket, ConsumerRef } from '../../api/index.ts';
import { featureEnabled, isFeatureRegistration } from '../../client/index.ts';
import { consumerKeyOf } from '../../quota/index.ts';
import type { VerbContext } from './context.ts';
import { EXIT, UsageError } from './errors.ts';
import { type GlobalFlags, globalFlags, type OutputFormat, outputFormat, parseLine } from './flags.ts';
import { type Registrations, readRegistrations, unitsOf } from './registrations.ts';
import { type BucketUsage, type ConsumerUsage, type FeatureState, printUsage } from './usage-printer.ts';

export interface ConsumerFilter {
  /** Compared ignoring case, like kubectl resource names. */
  readonly kind: string;
  readonly group?: string;
  readonly name: string;
}

export interface UsageOptions {
  readonly global: GlobalFlags;
  /** Undefined: all namespaces. */
  readonly namespace: string | undefined;
  readonly consumer: ConsumerFilter | undefined;
  readonly output: OutputFormat;
}

const VERB = 'usage';
export const USAGE_FLAGS = {
  consumer: { type: 'string' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  output: { type: 'string', short: 'o' },
} as const;

export function parseConsumer(value: string): ConsumerFilter {
  const match = /^([A-Za-z][A-Za-z0-9]*)(?:\.([a-z0-9.-]+))?\/([^/]+)$/.exec(value);
  if (match === null) {
    throw new UsageError(
      `--consumer: "${value}" is not kind/name`,
      'write it as kind/name or kind.group/name, e.g. --consumer organization/acme',
      { flag: '--consumer', verb: VERB },
    );
  }
  const [, kind = '', group, name = ''] = match;
  return { kind, ...(group === undefined ? {} : { group }), name };
}

export function parseUsage(argv: readonly string[]): UsageOptions {
  const line = parseLine(VERB, argv, USAGE_FLAGS);
  const global = globalFlags(line, VERB);
  if (line.positionals.length > 0) {
    throw new UsageError(
      `unexpected argument "${line.positionals[0]}"`,
      'usage takes flags only, e.g. --consumer organization/acme',
      { verb: VERB },
    );
  }
  const all = line.booleans.has('all-namespaces');
  if (all && global.namespace !== undefined) {
    throw new UsageError('-n and -A contradict each other', 'pass -n <namespace> or -A, not both', {
      flag: '--all-namespaces',
      verb: VERB,
    });
  }
  const consumer = line.strings.get('consumer');
  return {
    global,
    namespace: all ? undefined : global.namespace,
    consumer: consumer === undefined ? undefined : parseConsumer(consumer),
    output: outputFormat(line, VERB),
  };
}

function matches(bucket: AllowanceBucket, filter: ConsumerFilter | undefined): boolean {
  if (filter === undefined) return true;
  const ref = bucket.spec.consumerRef;
  return (
    ref.name === filter.name &&
    ref.kind.toLowerCase() === filter.kind.toLowerCase() &&
    (filter.group === undefined || (ref.apiGroup ?? '') === filter.group)
  );
}

/** The engine's consumer key; a ref it rejects (a '/' in a name) still gets a distinct key, for display. */
export function consumerGroupKey(ref: ConsumerRef): string {
  return consumerKeyOf(ref) ?? JSON.stringify([ref.apiGroup ?? '', ref.kind, ref.namespace ?? '', ref.name]);
}

/**
 * Buckets grouped per consumer, consumers and resource types sorted, so output is stable. With the
 * registrations, Feature buckets become on/off states and quantities carry their display units.
 */
export function groupBuckets(
  buckets: readonly AllowanceBucket[],
  filter?: ConsumerFilter,
  registrations: Registrations = new Map(),
): ConsumerUsage[] {
  interface Group {
    readonly consumer: ConsumerRef;
    readonly buckets: BucketUsage[];
    readonly features: FeatureState[];
  }
  const groups = new Map<string, Group>();
  for (const bucket of buckets.filter((b) => matches(b, filter))) {
    const key = consumerGroupKey(bucket.spec.consumerRef);
    const group = groups.get(key) ?? { consumer: bucket.spec.consumerRef, buckets: [], features: [] };
    groups.set(key, group);
    const s = bucket.status;
    const where = {
      namespace: bucket.metadata.namespace ?? '',
      name: bucket.metadata.name ?? '',
      resourceType: bucket.spec.resourceType,
    };
    const registration = registrations.get(bucket.spec.resourceType);
    if (registration !== undefined && isFeatureRegistration(registration)) {
      group.features.push({ ...where, reconciled: s !== undefined, enabled: featureEnabled(bucket) });
      continue;
    }
    const units = unitsOf(registration);
    group.buckets.push({
      ...where,
      ...(s === undefined
        ? {}
        : { limit: s.limit, allocated: s.allocated, available: s.available, claims: s.claimCount }),
      ...(units === undefined ? {} : { units }),
    });
  }
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const byType = (a: { resourceType: string }, b: { resourceType: string }) =>
    byText(a.resourceType, b.resourceType);
  return [...groups.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([, g]) => ({
      consumer: g.consumer,
      buckets: g.buckets.sort(byType),
      ...(g.features.length === 0 ? {} : { features: g.features.sort(byType) }),
    }));
}

/** Field selector values escape `\\`, `,` and `=` with a backslash. */
export function escapeSelector(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

export async function runUsage(options: UsageOptions, ctx: VerbContext): Promise<number> {
  const name = options.consumer?.name;
  const fieldSelector =
    name === undefined ? {} : { fieldSelector: `spec.consumerRef.name=${escapeSelector(name)}` };
  const namespace = options.namespace === undefined ? {} : { namespace: options.namespace };
  // buckets first: their errors (no quota API, no access) are the verb's; registrations are a courtesy
  const buckets = await ctx.api.listBuckets({ ...namespace, ...fieldSelector });
  const registrations = await readRegistrations(ctx.api, ctx.stderr);
  const groups = groupBuckets(buckets, options.consumer, registrations);
  if (groups.length === 0 && options.output === 'table') {
    const where = options.namespace === undefined ? 'in any namespace' : `in namespace ${options.namespace}`;
    const who =
      options.consumer === undefined ? '' : ` for ${options.consumer.kind}/${options.consumer.name}`;
    ctx.stderr.write(`No AllowanceBuckets found${who} ${where}.\n`);
    return EXIT.ok;
  }
  ctx.stdout.write(printUsage(groups, options.output, ctx.colour));
  return EXIT.ok;
}
