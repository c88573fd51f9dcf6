import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clone, makeBucket, makeClaimPolicy, makeGrantPolicy } from '../../api/testing.ts';
import { allowanceBucketHandler } from './allowance-bucket.ts';
import { claimCreationPolicyHandler } from './claim-creation-policy.ts';
import { grantCreationPolicyHandler } from './grant-creation-policy.ts';
import { admissionRequest, answerToCreate, causes, signal, statusOf } from './testing.ts';

const GRANT_TEMPLATE = 'spec.target.resourceGrantTemplate';
const CLAIM_TEMPLATE = 'spec.target.resourceClaimTemplate';

describe('ClaimCreationPolicy handler', () => {
  const handler = claimCreationPolicyHandler();
  const check = (policy: ReturnType<typeof makeClaimPolicy>) => answerToCreate(handler, policy);

  it('admits a valid policy, and one whose resource type is not registered (Milo edge case)', async () => {
    assert.equal((await check(makeClaimPolicy())).allowed, true);
    const unknown = makeClaimPolicy();
    unknown.spec.target.resourceClaimTemplate.spec.requests = [
      { resourceType: 'nonexistent.miloapis.com/projects', amount: 1 },
    ];
    assert.equal((await check(unknown)).allowed, true);
  });

  it('refuses a broken template with the field and the position', async () => {
    const policy = makeClaimPolicy();
    policy.spec.target.resourceClaimTemplate.metadata.name = 'project-{{ trigger.metadata.name ';
    const [cause, ...rest] = causes(await check(policy));
    assert.deepEqual(rest, []);
    assert.equal(cause?.[0], `${CLAIM_TEMPLATE}.metadata.name`);
    assert.match(cause?.[2] ?? '', /unmatched '\{\{'.*at offset 8/);
  });

  it('refuses a constraint that is not a bool or does not parse, naming it', async () => {
    const policy = makeClaimPolicy();
    policy.spec.trigger.constraints = [
      { expression: 'trigger.metadata.name' },
      { expression: 'user.groups.exists(g, g ==' },
    ];
    const fields = causes(await check(policy)).map(([f]) => f);
    assert.deepEqual(fields, [
      'spec.trigger.constraints[0].expression',
      'spec.trigger.constraints[1].expression',
    ]);
  });

  it('checks updates like creates', async () => {
    const old = makeClaimPolicy();
    const next = clone(old);
    next.spec.target.resourceClaimTemplate.spec.consumerRef = {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Organization',
      name: '{{ trigger.nope( }}',
    };
    const verdict = await handler(admissionRequest('UPDATE', next, old), signal());
    assert.equal(statusOf(verdict)?.code, 422);
    assert.deepEqual(
      causes(verdict).map(([f]) => f),
      [`${CLAIM_TEMPLATE}.spec.consumerRef.name`],
    );
  });
  it('lets metadata change on a stored policy that predates the rules (ratcheting)', async () => {
    const stored = makeClaimPolicy();
    stored.spec.target.resourceClaimTemplate.metadata.name = 'project-{{ trigger.metadata.name';
    const labelled = clone(stored);
    labelled.metadata.labels = { team: 'platform' };
    assert.equal((await handler(admissionRequest('UPDATE', labelled, stored), signal())).allowed, true);
  });
});

describe('GrantCreationPolicy handler', () => {
  const handler = grantCreationPolicyHandler();
  const check = (policy: ReturnType<typeof makeGrantPolicy>) => answerToCreate(handler, policy);

  it('admits a valid policy', async () => {
    assert.equal((await check(makeGrantPolicy())).allowed, true);
  });

  it('refuses a template variable grant policies do not have, with the position', async () => {
    const policy = makeGrantPolicy();
    policy.spec.target.resourceGrantTemplate.metadata.name = 'grant-{{ user.name }}';
    const [cause] = causes(await check(policy));
    assert.equal(cause?.[0], `${GRANT_TEMPLATE}.metadata.name`);
    assert.match(cause?.[2] ?? '', /offset \d+.*'user'/);
  });

  it('refuses a broken constraint', async () => {
    const policy = makeGrantPolicy();
    policy.spec.trigger.constraints = [{ expression: 'trigger.spec.type ==' }];
    const [cause] = causes(await check(policy));
    assert.equal(cause?.[0], 'spec.trigger.constraints[0].expression');
    assert.match(cause?.[2] ?? '', /offset/);
  });
});

describe('AllowanceBucket handler', () => {
  const handler = allowanceBucketHandler(async () => 'system:serviceaccount:quota-system:operator');
  const operator = 'system:serviceaccount:quota-system:operator';

  it('lets only the operator create buckets', async () => {
    const byUser = await handler(admissionRequest('CREATE', makeBucket(), undefined, 'alice'), signal());
    assert.equal(statusOf(byUser)?.code, 403);
    assert.match(statusOf(byUser)?.message ?? '', /User "alice" may not create an AllowanceBucket/);
    const byOperator = await handler(admissionRequest('CREATE', makeBucket(), undefined, operator), signal());
    assert.equal(byOperator.allowed, true);
  });

  it('refuses spec or label changes by others, not other metadata', async () => {
    const old = makeBucket();
    const relabelled = clone(old);
    relabelled.metadata.labels = { 'quota.miloapis.com/consumer-name': 'someone-else' };
    const verdict = await handler(admissionRequest('UPDATE', relabelled, old, 'alice'), signal());
    assert.equal(statusOf(verdict)?.code, 403);
    const orphaned = clone(old);
    orphaned.metadata.annotations = { note: 'x' };
    orphaned.metadata.finalizers = [];
    assert.equal((await handler(admissionRequest('UPDATE', orphaned, old, 'alice'), signal())).allowed, true);
  });

  it("still validates the operator's writes", async () => {
    const old = makeBucket();
    const moved = clone(old);
    moved.spec.resourceType = 'something/else';
    const verdict = await handler(admissionRequest('UPDATE', moved, old, operator), signal());
    assert.equal(statusOf(verdict)?.code, 422);
    assert.match(statusOf(verdict)?.message ?? '', /spec is immutable/);
  });

  it('fails closed when the operator identity is unknown', async () => {
    const blind = allowanceBucketHandler(async () => {
      throw new Error('SelfSubjectReview failed');
    });
    await assert.rejects(
      blind(admissionRequest('CREATE', makeBucket()), signal()),
      /SelfSubjectReview failed/,
    );
  });
});
