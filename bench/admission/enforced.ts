// The enforced side of the admission benchmark. TODO(admission): once the enforcement webhook lands
// (src/admission enforce.ts + the operator serving it), this should:
//   1. start the operator with its webhook server (every replica serves) on 127.0.0.1 and wait for
//      the ValidatingWebhookConfiguration it manages to list the trigger kind;
//   2. apply a registration for `configmaps` per namespace consumer, a grant with ample room and a
//      ClaimCreationPolicy whose trigger is core/v1 ConfigMap (constraint: namespace == "enforced");
//   3. run measureCreates() on ConfigMaps in namespace "enforced" with the same counts as the baselines,
//      and return the figures. The caller already prints them against SPEC §11 (p50 ≤ 30 ms, p99 ≤ 300 ms,
//      ≤ 3× the ResourceQuota figure).
// Until then it says so, and the report shows "not measured" instead of a number.
import type { ControlPlane } from '../../src/envtest/index.ts';
import type { CreateFigures } from './measure.ts';

export type EnforcedOutcome =
  | { measured: true; figures: CreateFigures }
  | { measured: false; reason: string };

export async function measureEnforced(_plane: ControlPlane): Promise<EnforcedOutcome> {
  return { measured: false, reason: 'not measured yet (enforcement webhook missing)' };
}
