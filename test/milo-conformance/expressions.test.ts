// The conformance runner's chainsaw subset: expressions and assertion-tree matching on the forms upstream
// Milo's files use (pure; no cluster).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, resourceArg } from './chainsaw.ts';
import { evaluate, mismatch, UnsupportedExpression } from './expressions.ts';

describe('chainsaw expressions', () => {
  it('tests bindings and fields against null', () => {
    assert.equal(evaluate('$error != null', null, { error: 'denied' }), true);
    assert.equal(evaluate('$error != null', null, { error: null }), false);
    assert.equal(evaluate('allocatingBucket != null', { allocatingBucket: 'b' }), true);
    assert.equal(evaluate('allocatingBucket != null', {}), false);
    assert.equal(evaluate('observedGeneration == null', {}), true);
  });

  it('contains() on an error text', () => {
    const bindings = { error: 'spec.resourceType is immutable' };
    assert.equal(evaluate("contains($error, 'spec.resourceType is immutable')", null, bindings), true);
    assert.equal(evaluate("contains($error, 'spec.type')", null, bindings), false);
  });

  it('filters a list', () => {
    const status = {
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'Other', status: 'False' },
      ],
    };
    assert.deepEqual(evaluate("conditions[?type == 'Ready']", status), [{ type: 'Ready', status: 'True' }]);
  });

  it('refuses any other expression by name instead of passing it', () => {
    assert.throws(() => evaluate('length(items) > `2`', {}), UnsupportedExpression);
  });
});

describe('assertion trees', () => {
  const claim = {
    metadata: { name: 'c', labels: { a: '1', b: '2' } },
    status: {
      conditions: [{ type: 'Granted', status: 'True', reason: 'QuotaAvailable' }],
      observedGeneration: 1,
    },
  };

  it('matches subsets, expression keys and lists element by element', () => {
    assert.equal(mismatch({ metadata: { labels: { a: '1' } } }, claim), undefined);
    assert.equal(mismatch({ status: { '(observedGeneration != null)': true } }, claim), undefined);
    assert.equal(
      mismatch({ status: { "(conditions[?type == 'Granted'])": [{ status: 'True' }] } }, claim),
      undefined,
    );
  });

  it('names the first mismatch', () => {
    assert.equal(
      mismatch({ status: { conditions: [{ type: 'Granted', status: 'False' }] } }, claim),
      '.status.conditions[0].status: expected "False", found "True"',
    );
    assert.equal(
      mismatch({ status: { conditions: [] } }, claim),
      '.status.conditions: expected 0 items, found 1',
    );
    assert.match(mismatch({ spec: { x: 1 } }, claim) ?? '', /^\.spec: expected an object/);
  });
});

describe('runner helpers', () => {
  it('parses durations and kubectl resource arguments', () => {
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.throws(() => parseDuration('soon'), /not a duration/);
    assert.equal(
      resourceArg('quota.miloapis.com/v1alpha1', 'ResourceClaim'),
      'resourceclaim.v1alpha1.quota.miloapis.com',
    );
    assert.equal(resourceArg('v1', 'Namespace'), 'namespace');
  });
});
