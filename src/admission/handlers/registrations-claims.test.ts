import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clone, makeClaim, makeGrant, makeRegistration, PROJECTS } from '../../api/testing.ts';
import { resourceClaimHandler } from './resource-claim.ts';
import { resourceGrantHandler } from './resource-grant.ts';
import { resourceRegistrationHandler } from './resource-registration.ts';
import {
  admissionRequest,
  answerToCreate,
  causes,
  listView,
  noRegistrations,
  signal,
  statusOf,
  testGuard,
} from './testing.ts';

describe('ResourceRegistration handler', () => {
  const existing = makeRegistration('projects', PROJECTS, false);
  const handler = resourceRegistrationHandler(listView([existing]));

  it('admits a registration of a new resource type', async () => {
    const reg = makeRegistration('vcpus', 'compute.example.com/vcpus');
    assert.deepEqual(await answerToCreate(handler, reg), { allowed: true });
  });

  it("refuses a resourceType already registered, Active or not, with Milo's words", async () => {
    const verdict = await handler(admissionRequest('CREATE', makeRegistration('projects-2')), signal());
    assert.equal(statusOf(verdict)?.code, 422);
    assert.match(
      statusOf(verdict)?.message ?? '',
      /^ResourceRegistration\.quota\.miloapis\.com "projects-2" is invalid: /,
    );
    const [[field, reason, message] = ['', '', '']] = causes(verdict);
    assert.equal(field, 'spec.resourceType');
    assert.equal(reason, 'FieldValueDuplicate');
    assert.match(
      message,
      /resource type 'resourcemanager\.miloapis\.com\/projects' is already registered by ResourceRegistration 'projects'/,
    );
  });

  it('refuses duplicate claimingResources on create and on update', async () => {
    const reg = makeRegistration('vcpus', 'compute.example.com/vcpus');
    reg.spec.claimingResources.push(
      { apiGroup: 'apps', kind: 'Deployment' },
      { apiGroup: 'apps', kind: 'Deployment' },
    );
    const created = await answerToCreate(handler, reg);
    assert.deepEqual(
      causes(created).map(([f, r]) => [f, r]),
      [['spec.claimingResources[2]', 'FieldValueDuplicate']],
    );
    assert.match(
      causes(created)[0]?.[2] ?? '',
      /duplicate claiming resource 'apps\/Deployment' \(first occurrence at index 1\)/,
    );
    const updated = await handler(admissionRequest('UPDATE', reg, clone(existing)), signal());
    assert.match(statusOf(updated)?.message ?? '', /duplicate claiming resource/);
  });

  it('refuses changes to immutable fields but not to the rest', async () => {
    const changed = clone(existing);
    changed.spec.resourceType = 'other';
    changed.spec.type = 'Allocation';
    const verdict = await handler(admissionRequest('UPDATE', changed, existing), signal());
    assert.deepEqual(
      causes(verdict).map(([f]) => f),
      ['spec.resourceType', 'spec.type'],
    );
    assert.match(statusOf(verdict)?.message ?? '', /spec\.resourceType is immutable/);
    const edited = clone(existing);
    edited.spec.description = 'Projects per organization';
    edited.spec.unitConversionFactor = 1000;
    assert.equal((await handler(admissionRequest('UPDATE', edited, existing), signal())).allowed, true);
  });

  it('lets DELETE through and fails closed on a misrouted kind', async () => {
    assert.equal((await handler(admissionRequest('DELETE', existing), signal())).allowed, true);
    const verdict = await handler(admissionRequest('CREATE', makeGrant()), signal());
    assert.equal(statusOf(verdict)?.code, 500);
    assert.match(statusOf(verdict)?.message ?? '', /ResourceRegistration webhook received a ResourceGrant/);
  });

  it('waits for the registration cache and gives up with the request', async () => {
    const stalled = resourceRegistrationHandler({
      list: () => [],
      synced: (s) =>
        new Promise((_, reject) => s.addEventListener('abort', () => reject(new Error('not synced')))),
    });
    const abort = new AbortController();
    const pending = stalled(admissionRequest('CREATE', makeRegistration('x', 'x')), abort.signal);
    abort.abort();
    await assert.rejects(pending, /not synced/);
  });
});

describe('ResourceClaim handler', () => {
  const handler = resourceClaimHandler(listView([makeRegistration()]), testGuard({ grants: () => true }));
  const create = (claim: ReturnType<typeof makeClaim>) => answerToCreate(handler, claim);

  it('admits a claim for a registered type by a claiming kind', async () => {
    assert.equal((await create(makeClaim())).allowed, true);
    const lowerKind = makeClaim();
    if (lowerKind.spec.resourceRef) lowerKind.spec.resourceRef.kind = 'project'; // Milo compares kinds case-insensitively
    assert.equal((await create(lowerKind)).allowed, true);
  });

  it('refuses amount 0 and duplicate types, naming the fields', async () => {
    const zero = await create(makeClaim([{ resourceType: PROJECTS, amount: 0 }]));
    assert.ok(
      causes(zero).some(
        ([f, r, m]) =>
          f === 'spec.requests[0].amount' &&
          r === 'FieldValueInvalid' &&
          m === 'amount must be greater than 0',
      ),
      `causes: ${JSON.stringify(causes(zero))}`,
    );
    const twice = await create(
      makeClaim([
        { resourceType: PROJECTS, amount: 1 },
        { resourceType: PROJECTS, amount: 2 },
      ]),
    );
    const fields = causes(twice).map(([f]) => f);
    assert.ok(fields.includes('spec.requests[1].resourceType'), `causes: ${fields.join(', ')}`);
    assert.match(
      statusOf(twice)?.message ?? '',
      /resource type 'resourcemanager\.miloapis\.com\/projects' is already specified in request 0/,
    );
  });

  it('requires the object the claim pays for', async () => {
    const claim = makeClaim();
    delete claim.spec.resourceRef;
    const fields = causes(await create(claim)).map(([f, r]) => `${f} ${r}`);
    assert.deepEqual(fields, [
      'spec.resourceRef.kind FieldValueRequired',
      'spec.resourceRef.name FieldValueRequired',
    ]);
  });

  it('refuses a type without an Active registration', async () => {
    const verdict = await resourceClaimHandler(noRegistrations, testGuard({ grants: () => true }))(
      admissionRequest('CREATE', makeClaim()),
      signal(),
    );
    assert.match(
      statusOf(verdict)?.message ?? '',
      /Resource type 'resourcemanager\.miloapis\.com\/projects' is not available for quota management/,
    );
    const refused = {
      ...makeRegistration('projects', PROJECTS, false),
      status: {
        conditions: [
          {
            type: 'Active',
            status: 'False' as const,
            reason: 'ValidationFailed',
            message: 'duplicate',
            lastTransitionTime: '2024-01-01T00:00:00Z',
          },
        ],
      },
    };
    const inactive = resourceClaimHandler(listView([refused]), testGuard({ grants: () => true }));
    assert.equal((await inactive(admissionRequest('CREATE', makeClaim()), signal())).allowed, false);
  });

  it('admits a claim whose registration exists but has no verdict yet (created in the same apply)', async () => {
    const pending = resourceClaimHandler(
      listView([makeRegistration('projects', PROJECTS, false)]),
      testGuard({ grants: () => true }),
    );
    assert.equal((await pending(admissionRequest('CREATE', makeClaim()), signal())).allowed, true);
  });

  it('applies the claiming rules: consumer type and claiming kind', async () => {
    const wrongKind = makeClaim();
    wrongKind.spec.resourceRef = { apiGroup: 'apps', kind: 'Deployment', name: 'web' };
    const [cause] = causes(await create(wrongKind));
    assert.equal(cause?.[0], 'spec.resourceRef');
    assert.equal(cause?.[1], 'FieldValueForbidden');
    assert.match(
      cause?.[2] ?? '',
      /apps\/Deployment does not satisfy claiming rules for resourcemanager\.miloapis\.com\/projects\. Allowed claiming resources: \[resourcemanager\.miloapis\.com\/Project\]/,
    );
    const wrongConsumer = makeClaim();
    if (wrongConsumer.spec.consumerRef) wrongConsumer.spec.consumerRef.kind = 'Project';
    assert.match(statusOf(await create(wrongConsumer))?.message ?? '', /consumer type mismatch/);
  });

  it("keeps a claim's spec fixed but lets metadata change", async () => {
    const old = makeClaim();
    const bigger = clone(old);
    bigger.spec.requests[0] = { resourceType: PROJECTS, amount: 5 };
    const verdict = await handler(admissionRequest('UPDATE', bigger, old), signal());
    assert.match(statusOf(verdict)?.message ?? '', /spec\.requests is immutable/);
    const labelled = clone(old);
    labelled.metadata.labels = { team: 'web' };
    assert.equal((await handler(admissionRequest('UPDATE', labelled, old), signal())).allowed, true);
  });
});

describe('ResourceGrant handler', () => {
  const handler = resourceGrantHandler();

  it('admits a grant without looking at registrations', async () => {
    const grant = makeGrant(5, 'not.registered/anything');
    assert.equal((await answerToCreate(handler, grant)).allowed, true);
  });

  it('refuses amounts adding up past 2^53-1', async () => {
    const grant = makeGrant(Number.MAX_SAFE_INTEGER);
    grant.spec.allowances.push({ resourceType: PROJECTS, buckets: [{ amount: 1 }] });
    const verdict = await handler(admissionRequest('UPDATE', grant, makeGrant()), signal());
    assert.deepEqual(
      causes(verdict).map(([f]) => f),
      ['spec.allowances[1]'],
    );
  });
});
