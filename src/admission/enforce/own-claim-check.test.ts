// The operator's own claim creates skip the claim webhook; the enforcement webhook must then refuse exactly
// the claims that webhook would have refused, from the same validators and registration cache.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim, ResourceRegistration } from '../../api/index.ts';
import { clone, makeClaim, makeRegistration, PROJECTS } from '../../api/testing.ts';
import { resourceClaimHandler } from '../handlers/resource-claim.ts';
import { admissionRequest, listView, signal, testGuard } from '../handlers/testing.ts';
import { ownClaimRefusal } from './own-claim-check.ts';

function variants(): [string, ResourceClaim][] {
  const amountZero = makeClaim([{ resourceType: PROJECTS, amount: 0 }]);
  const twice = makeClaim([
    { resourceType: PROJECTS, amount: 1 },
    { resourceType: PROJECTS, amount: 2 },
  ]);
  const unregistered = makeClaim([{ resourceType: 'example.com/unregistered', amount: 1 }]);
  const noObject = makeClaim();
  delete noObject.spec.resourceRef;
  const otherKind = clone(makeClaim());
  if (otherKind.spec.resourceRef) otherKind.spec.resourceRef.kind = 'Secret';
  return [
    ['valid', makeClaim()],
    ['amount 0', amountZero],
    ['a type twice', twice],
    ['an unregistered type', unregistered],
    ['no resourceRef', noObject],
    ['a kind the registration does not let claim', otherKind],
  ];
}

describe('ownClaimRefusal', () => {
  for (const registrations of [[makeRegistration()], [makeRegistration('projects', PROJECTS, false)], []]) {
    const view = listView<ResourceRegistration>(registrations);
    const webhook = resourceClaimHandler(view, testGuard({ grants: () => true }));
    for (const [what, claim] of variants()) {
      it(`refuses what the claim webhook refuses: ${what}, ${registrations.length} registrations`, async () => {
        const verdict = await webhook(admissionRequest('CREATE', claim), signal());
        const refusal = await ownClaimRefusal(view, [makeClaim(), claim], signal());
        assert.equal(refusal === undefined, verdict.allowed, refusal ?? 'admitted');
        if (refusal !== undefined) assert.match(refusal, /^claim quota-system\/claim-1 is invalid: /);
      });
    }
  }
});
