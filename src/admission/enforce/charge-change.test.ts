import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../api/index.ts';
import { makeClaim } from '../../api/testing.ts';
import { chargeChangeMessage, chargeChanges, type PlannedCharge } from './charge-change.ts';

function charge(policy: string, org: string, amount = 1, name = 'any-name'): PlannedCharge {
  const claim: ResourceClaim = makeClaim([{ resourceType: 'resourcemanager.miloapis.com/projects', amount }]);
  claim.metadata.name = name;
  claim.spec.consumerRef = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: org };
  return { policy, claim };
}

describe('chargeChanges', () => {
  it('admits an update that charges the same consumer and amounts, whatever the claim is named', () => {
    assert.deepEqual(chargeChanges([charge('p', 'acme', 1, 'a')], [charge('p', 'acme', 1, 'b')]), []);
  });

  it('admits an update after which a policy no longer charges (the claim made at creation stays)', () => {
    assert.deepEqual(chargeChanges([charge('p', 'acme')], []), []);
  });

  it('names a moved consumer, changed amounts and a new charge', () => {
    assert.deepEqual(chargeChanges([charge('p', 'rich-org')], [charge('p', 'acme')]), [
      'policy p: consumer Organization "rich-org" (resourcemanager.miloapis.com) → Organization "acme" (resourcemanager.miloapis.com)',
    ]);
    assert.deepEqual(chargeChanges([charge('p', 'acme', 1)], [charge('p', 'acme', 3)]), [
      'policy p: requests resourcemanager.miloapis.com/projects=1 → resourcemanager.miloapis.com/projects=3',
    ]);
    const [added] = chargeChanges([], [charge('p', 'acme')]);
    assert.match(
      added ?? '',
      /policy p would start charging Organization "acme".*did not pay for when it was created/,
    );
  });

  it('words the refusal with the kind, the name and what to do', () => {
    assert.equal(
      chargeChangeMessage('Project', 'web', ['policy p: consumer a → b']),
      'Project "web": this update would change what quota it is charged to (policy p: consumer a → b), and a quota claim cannot move after creation. Delete and re-create the Project to charge another consumer or amount.',
    );
  });
});
