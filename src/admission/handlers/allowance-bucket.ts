// AllowanceBucket: system-owned (SPEC §3). Only the operator creates buckets or changes their spec or labels;
// anyone else is refused with 403. Other metadata (ownerReferences, finalizers, annotations) stays writable
// so the garbage collector and tooling are never blocked. Status goes through the status subresource, which
// this webhook does not intercept.
import {
  type AllowanceBucket,
  jsonEqual,
  validateAllowanceBucket,
  validateAllowanceBucketUpdate,
} from '../../api/index.ts';
import { type AdmissionHandler, forbidden } from '../../webhook/review.ts';
import { kindHandler } from './common.ts';

const owned = (bucket: AllowanceBucket) => ({ spec: bucket.spec, labels: bucket.metadata.labels ?? {} });

export function allowanceBucketHandler(operator: () => Promise<string>): AdmissionHandler {
  const validate = kindHandler<AllowanceBucket>({
    kind: 'AllowanceBucket',
    create: (bucket) => validateAllowanceBucket(bucket),
    update: (old, next) => validateAllowanceBucketUpdate(old, next),
  });
  return async (request, signal) => {
    const user = request.userInfo.username ?? '';
    const old = request.oldObject as AllowanceBucket | undefined;
    const next = request.object as AllowanceBucket | undefined;
    const ownedChange =
      request.operation === 'CREATE' ||
      (request.operation === 'UPDATE' && old && next && !jsonEqual(owned(old), owned(next)));
    if (ownedChange && user !== (await operator())) {
      const name = next?.metadata?.name ?? request.name ?? '';
      const what = request.operation === 'CREATE' ? 'create' : 'change the spec or labels of';
      return forbidden(
        `allowancebuckets.quota.miloapis.com "${name}" is forbidden: User "${user}" may not ${what} an AllowanceBucket: buckets are maintained by the quota operator from grants and claims. Create a ResourceGrant to raise a limit, or a ResourceClaim to use capacity`,
      );
    }
    return validate(request, signal);
  };
}
