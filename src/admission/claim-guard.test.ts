import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LABEL_AUTO_CREATED, LABEL_RESOURCE_UID, type ResourceClaim } from '../api/index.ts';
import { makeClaim } from '../api/testing.ts';
import type { Verdict } from '../webhook/review.ts';
import { protectedChanges } from './claim-guard.ts';
import { resourceClaimHandler } from './handlers/resource-claim.ts';
import { admissionRequest, listView, signal, statusOf, testGuard } from './handlers/testing.ts';

const OPERATOR = 'system:serviceaccount:quota-system:milo-quota-operator';
const GC = 'system:serviceaccount:kube-system:generic-garbage-collector';

function granted(): ResourceClaim {
  const claim = makeClaim();
  claim.metadata.uid = 'claim-uid';
  claim.metadata.labels = { [LABEL_AUTO_CREATED]: 'true', [LABEL_RESOURCE_UID]: 'object-uid' };
  claim.status = {
    allocations: [
      {
        resourceType: claim.spec.requests[0]?.resourceType ?? '',
        status: 'Granted' as const,
        allocatedAmount: 1,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
  };
  return claim;
}

const clone = <T>(value: T): T => structuredClone(value);
const messageOf = (verdict: Verdict) => statusOf(verdict)?.message ?? '';

describe('claim guard: charging a consumer', () => {
  it('asks for the verb claim on the consumer object, and refuses without it', async () => {
    const guard = testGuard();
    const handler = resourceClaimHandler(listView([]), guard);
    const verdict = await handler(admissionRequest('CREATE', makeClaim(), undefined, 'mallory'), signal());
    assert.equal(statusOf(verdict)?.code, 403);
    assert.match(messageOf(verdict), /user "mallory" may not charge quota to Organization "acme"/);
    assert.match(messageOf(verdict), /verb "claim" on organizations\.resourcemanager\.miloapis\.com "acme"/);
    assert.deepEqual(guard.reviews, [
      { verb: 'claim', group: 'resourcemanager.miloapis.com', resource: 'organizations', name: 'acme' },
    ]);
  });

  it('lets the operator charge what its policies rendered, with no review', async () => {
    const guard = testGuard();
    const handler = resourceClaimHandler(listView([]), guard);
    const verdict = await handler(admissionRequest('CREATE', makeClaim(), undefined, OPERATOR), signal());
    // past the guard: the registration check is what refuses now
    assert.doesNotMatch(messageOf(verdict), /may not charge/);
    assert.deepEqual(guard.reviews, []);
  });
});

describe('claim guard: freeing capacity', () => {
  const handler = (options: Parameters<typeof testGuard>[0]) =>
    resourceClaimHandler(listView([]), testGuard(options));
  const remove = (claim: ResourceClaim, user: string) => admissionRequest('DELETE', claim, claim, user);

  it('refuses a tenant deleting a Granted claim whose object exists', async () => {
    const verdict = await handler({ objectExists: true })(remove(granted(), 'alice'), signal());
    assert.equal(statusOf(verdict)?.code, 403);
    assert.match(messageOf(verdict), /holds quota for Project "web" \(uid object-uid\), which still exists/);
    assert.match(messageOf(verdict), /milo-quota-claim-releaser/);
  });

  it('lets through the garbage collector, the operator and holders of release', async () => {
    const exists = handler({ objectExists: true });
    assert.equal((await exists(remove(granted(), GC), signal())).allowed, true);
    assert.equal((await exists(remove(granted(), OPERATOR), signal())).allowed, true);
    const admin = handler({
      objectExists: true,
      grants: (user, a) => user.username === 'root' && a.verb === 'release',
    });
    assert.equal((await admin(remove(granted(), 'root'), signal())).allowed, true);
  });

  it('lets anyone delete a claim that holds nothing in use', async () => {
    assert.equal(
      (await handler({ objectExists: false })(remove(granted(), 'alice'), signal())).allowed,
      true,
    );
    const pending = makeClaim();
    assert.equal((await handler({ objectExists: true })(remove(pending, 'alice'), signal())).allowed, true);
  });
});

describe('claim guard: relinking', () => {
  it('names every protected change', () => {
    const old = granted();
    old.metadata.ownerReferences = [
      { apiVersion: 'v1', kind: 'Project', name: 'web', uid: 'object-uid', controller: false },
    ];
    const next = clone(old);
    next.metadata.labels = { ...next.metadata.labels, [LABEL_RESOURCE_UID]: 'forged', team: 'x' };
    next.metadata.ownerReferences = [];
    assert.deepEqual(protectedChanges(old, next), [
      `metadata.labels[${LABEL_RESOURCE_UID}]`,
      'metadata.ownerReferences',
    ]);
  });

  it('allows other labels, and adding an ownerReference to the recorded object only', () => {
    const old = granted();
    const labelled = clone(old);
    labelled.metadata.labels = { ...labelled.metadata.labels, team: 'x' };
    assert.deepEqual(protectedChanges(old, labelled), []);
    const owned = clone(old);
    owned.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Project', name: 'web', uid: 'object-uid' }];
    assert.deepEqual(protectedChanges(old, owned), []);
    const forged = clone(old);
    forged.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Project', name: 'web', uid: 'nobody' }];
    assert.deepEqual(protectedChanges(old, forged), ['metadata.ownerReferences']);
  });

  it('refuses a tenant update that relinks, and admits the same from the operator', async () => {
    const old = granted();
    const next = clone(old);
    delete next.metadata.labels?.[LABEL_AUTO_CREATED];
    const handler = resourceClaimHandler(listView([]), testGuard());
    const tenant = await handler(admissionRequest('UPDATE', next, old, 'alice'), signal());
    assert.equal(statusOf(tenant)?.code, 403);
    assert.match(messageOf(tenant), /metadata\.labels\[quota\.miloapis\.com\/auto-created\] tie the claim/);
    const operator = await handler(admissionRequest('UPDATE', next, old, OPERATOR), signal());
    assert.equal(operator.allowed, true);
  });
});
