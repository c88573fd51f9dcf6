// `kubectl quota explain claim <name> [-n ns] [-o table|json|yaml]`: why a claim was granted, denied or
// is still pending, with each request's decision, its bucket's current figures, the consumer, the object it
// pays for, its owners and the policy that made it.
import {
  type AllowanceBucket,
  ANNOTATION_POLICY,
  CONDITION_GRANTED,
  findCondition,
  LABEL_AUTO_CREATED,
  LABEL_POLICY,
  type ResourceClaim,
} from '../../api/index.ts';
import { claimDecision, KubeApiError, type QuotaApi } from '../../client/index.ts';
import type { VerbContext } from './context.ts';
import { EXIT } from './errors.ts';
import { printExplain } from './explain-printer.ts';
import type { BucketFigures, ExplainReport, RequestExplanation } from './explain-report.ts';
import {
  claimName,
  type GlobalFlags,
  globalFlags,
  type OutputFormat,
  outputFormat,
  parseLine,
} from './flags.ts';
import { readClaim } from './lookup.ts';
import { type Registrations, readRegistrations, unitsOf } from './registrations.ts';
import { consumerGroupKey, escapeSelector } from './usage.ts';
import { whyLines } from './why.ts';

export interface ExplainOptions {
  readonly global: GlobalFlags;
  readonly name: string;
  readonly output: OutputFormat;
}

const VERB = 'explain';
const EPOCH = '1970-01-01T00:00:00Z';

export function parseExplain(argv: readonly string[]): ExplainOptions {
  const line = parseLine(VERB, argv, { output: { type: 'string', short: 'o' } });
  return { global: globalFlags(line, VERB), name: claimName(line, VERB), output: outputFormat(line, VERB) };
}

function figuresOf(bucket: AllowanceBucket): BucketFigures | undefined {
  const s = bucket.status;
  if (s === undefined) return undefined;
  const where = { namespace: bucket.metadata.namespace ?? '', name: bucket.metadata.name ?? '' };
  return { ...where, limit: s.limit, allocated: s.allocated, available: s.available };
}

/** The report for `claim`, given the buckets that may belong to its consumer and the registrations. Pure. */
export function explainClaim(
  claim: ResourceClaim,
  buckets: readonly AllowanceBucket[],
  registrations: Registrations = new Map(),
): ExplainReport {
  const { metadata, spec, status } = claim;
  const consumer = spec.consumerRef;
  const mine = buckets.filter(
    (b) => consumer !== undefined && consumerGroupKey(b.spec.consumerRef) === consumerGroupKey(consumer),
  );
  const requests = spec.requests.map((r): RequestExplanation => {
    const a = status?.allocations?.find((x) => x.resourceType === r.resourceType);
    const bucket = mine.find((b) => b.spec.resourceType === r.resourceType);
    const figures = bucket === undefined ? undefined : figuresOf(bucket);
    const units = unitsOf(registrations.get(r.resourceType));
    return {
      resourceType: r.resourceType,
      requested: r.amount,
      status: a?.status ?? 'Pending',
      ...(a?.reason === undefined ? {} : { reason: a.reason }),
      ...(a?.message === undefined ? {} : { message: a.message }),
      ...(a?.allocatedAmount === undefined ? {} : { allocatedAmount: a.allocatedAmount }),
      ...(figures === undefined ? {} : { bucket: figures }),
      ...(units === undefined ? {} : { units }),
    };
  });
  const condition = findCondition(status?.conditions, CONDITION_GRANTED);
  const policy = metadata.labels?.[LABEL_POLICY] ?? metadata.annotations?.[ANNOTATION_POLICY];
  const decision = claimDecision(claim);
  const report = {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    ...(metadata.creationTimestamp === undefined ? {} : { created: metadata.creationTimestamp }),
    ...(consumer === undefined ? {} : { consumer }),
    ...(spec.resourceRef === undefined ? {} : { object: spec.resourceRef }),
    owners: metadata.ownerReferences ?? [],
    ...(policy === undefined ? {} : { policy }),
    autoCreated: metadata.labels?.[LABEL_AUTO_CREATED] === 'true',
    decision,
    ...(condition === undefined || condition.lastTransitionTime === EPOCH
      ? {}
      : { decidedAt: condition.lastTransitionTime }),
    requests,
  };
  return { ...report, why: whyLines(report) };
}

/** The consumer's buckets in every namespace, or in the claim's namespace when the user may not list all. */
async function bucketsFor(api: QuotaApi, claim: ResourceClaim): Promise<AllowanceBucket[]> {
  const consumer = claim.spec.consumerRef;
  if (consumer === undefined) return [];
  const fieldSelector = `spec.consumerRef.name=${escapeSelector(consumer.name)}`;
  try {
    return await api.listBuckets({ fieldSelector });
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 403)) throw error;
    return api.listBuckets({ namespace: claim.metadata.namespace ?? '', fieldSelector }).catch(() => []);
  }
}

export async function runExplain(options: ExplainOptions, ctx: VerbContext): Promise<number> {
  const claim = await readClaim(ctx.api, { namespace: ctx.connection.namespace, name: options.name });
  const buckets = await bucketsFor(ctx.api, claim);
  const registrations = await readRegistrations(ctx.api, ctx.stderr);
  const report = explainClaim(claim, buckets, registrations);
  ctx.stdout.write(printExplain(report, options.output, ctx.now()));
  return EXIT.ok;
}
