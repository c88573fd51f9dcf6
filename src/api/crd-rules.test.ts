// The CEL rules in the CRDs, evaluated with a CEL interpreter (the apiserver runs the same rules in
// test/integration/api). Each case pairs a value with the rule message it must (or must not) trigger.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openApiSchema } from './crd.ts';
import { kindDefinition, type QuotaKind } from './kinds.ts';
import { failingRules, nodeAt } from './schema/cel-testing.ts';

function failures(kind: QuotaKind, path: string, self: unknown, oldSelf?: unknown): string[] {
  return failingRules(nodeAt(openApiSchema(kindDefinition(kind)), path), self, oldSelf);
}

describe('CRD CEL rules', () => {
  it('rejects duplicate claimingResources, treating a missing apiGroup as the core group', () => {
    assert.deepEqual(
      failures('ResourceRegistration', 'spec.claimingResources', [
        { kind: 'A' },
        { apiGroup: 'g', kind: 'A' },
      ]),
      [],
    );
    const dup = failures('ResourceRegistration', 'spec.claimingResources', [
      { kind: 'Secret' },
      { apiGroup: '', kind: 'Secret' },
    ]);
    assert.match(dup[0] ?? '', /duplicate claiming resource/);
  });

  it('makes resourceType, consumerType and type immutable, with Milo messages', () => {
    assert.deepEqual(failures('ResourceRegistration', 'spec.resourceType', 'b', 'a'), [
      'spec.resourceType is immutable',
    ]);
    assert.deepEqual(failures('ResourceRegistration', 'spec.resourceType', 'a', 'a'), []);
    assert.deepEqual(
      failures(
        'ResourceRegistration',
        'spec.consumerType',
        { apiGroup: 'g', kind: 'User' },
        { apiGroup: 'g', kind: 'Org' },
      ),
      ['spec.consumerType is immutable'],
    );
    assert.deepEqual(failures('ResourceRegistration', 'spec.type', 'Allocation', 'Entity'), [
      'spec.type is immutable',
    ]);
  });

  it('restricts condition reasons per condition type', () => {
    const cond = (type: string, reason: string) => [
      { type, reason, status: 'True', message: '', lastTransitionTime: 'x' },
    ];
    assert.deepEqual(failures('ResourceClaim', 'status.conditions', cond('Granted', 'QuotaAvailable')), []);
    assert.equal(failures('ResourceClaim', 'status.conditions', cond('Granted', 'Whatever')).length, 1);
    assert.deepEqual(failures('ResourceClaim', 'status.conditions', cond('Other', 'Whatever')), []);
    assert.equal(
      failures('ResourceGrant', 'status.conditions', cond('Active', 'RegistrationActive')).length,
      1,
    );
    assert.equal(
      failures('GrantCreationPolicy', 'status.conditions', cond('ParentContextReady', 'Nope')).length,
      1,
    );
    assert.deepEqual(
      failures('ClaimCreationPolicy', 'status.conditions', cond('Ready', 'PolicyDisabled')),
      [],
    );
  });

  it('rejects duplicate resource types in claim requests and freezes the claim spec', () => {
    const reqs = [
      { resourceType: 'a', amount: 1 },
      { resourceType: 'a', amount: 2 },
    ];
    assert.match(failures('ResourceClaim', 'spec.requests', reqs)[0] ?? '', /duplicate resourceType/);
    assert.deepEqual(failures('ResourceClaim', 'spec.requests', reqs.slice(0, 1)), []);
    const spec = { requests: reqs.slice(0, 1) };
    assert.match(
      failures('ResourceClaim', 'spec', { requests: [{ resourceType: 'a', amount: 2 }] }, spec)[0] ?? '',
      /immutable/,
    );
  });

  it('freezes the bucket spec', () => {
    const spec = { consumerRef: { kind: 'K', name: 'n' }, resourceType: 'r' };
    assert.equal(failures('AllowanceBucket', 'spec', { ...spec, resourceType: 's' }, spec).length, 1);
    assert.deepEqual(failures('AllowanceBucket', 'spec', spec, spec), []);
  });

  it('enforces two of the GrantCreationPolicy rules Milo declared but never emitted', () => {
    // The third, "disabled policies should not have trigger constraints", is not enforced (as in Milo):
    // disabled: true is how a policy with constraints is paused.
    const trigger = { resource: { apiVersion: 'v1', kind: 'A' }, constraints: [{ expression: 'true' }] };
    assert.deepEqual(failures('GrantCreationPolicy', 'spec', { disabled: true, trigger, target: {} }), []);
    assert.deepEqual(
      failures('GrantCreationPolicy', 'spec.target.parentContext', {
        apiGroup: 'g',
        kind: 'P',
        nameExpression: '',
      }),
      ['parent context must have a name expression'],
    );
    const allowances = Array.from({ length: 21 }, (_, i) => ({
      resourceType: `r${i}`,
      buckets: [{ amount: 1 }],
    }));
    assert.deepEqual(
      failures('GrantCreationPolicy', 'spec.target.resourceGrantTemplate.spec.allowances', allowances),
      ['maximum 20 allowances per policy'],
    );
  });

  it('forbids resourceRef in claim templates', () => {
    const template = { metadata: {}, spec: { requests: [], resourceRef: { kind: 'K', name: 'n' } } };
    assert.deepEqual(failures('ClaimCreationPolicy', 'spec.target.resourceClaimTemplate', template), [
      'resourceRef field is automatically populated and cannot be set in template',
    ]);
  });
});
