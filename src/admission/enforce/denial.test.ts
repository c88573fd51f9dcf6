import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conflict, errored, forbidden, timedOut } from '../../webhook/review.ts';
import { conflictMessage, internalMessage, misconfiguredMessage, timeoutMessage } from './denial.ts';

// Milo 3de48987's sentences, copied here on purpose: clients match them, so changing one must fail a test.
describe("refusals open with Milo's words (3de48987), ours after them", () => {
  it('timeout: "took too long", then that nothing was admitted; a 504 Timeout, never a 403', () => {
    assert.equal(
      timeoutMessage(),
      'Your request took too long to be checked against your quota. Please try again in a moment — if this ' +
        'keeps happening, contact support. Timed out waiting for the quota decision; the create was not admitted.',
    );
    const verdict = timedOut(timeoutMessage());
    assert.deepEqual(verdict.allowed ? undefined : [verdict.status.code, verdict.status.reason], [
      504,
      'Timeout',
    ]);
  });

  it('conflict: the cause in the parentheses; a 409 Conflict', () => {
    assert.equal(
      conflictMessage('another create made claim ns/c at the same moment; retry the request'),
      "We're still cleaning up from a previous attempt to create this resource (another create made claim " +
        'ns/c at the same moment; retry the request). Please try again in a few seconds.',
    );
    const verdict = conflict(conflictMessage('x'));
    assert.deepEqual(verdict.allowed ? undefined : [verdict.status.code, verdict.status.reason], [
      409,
      'Conflict',
    ]);
  });

  it("misconfiguration: a 403 naming the policy problem after Milo's sentence", () => {
    const text = misconfiguredMessage('ClaimCreationPolicy p could not be evaluated: x');
    assert.equal(
      text,
      "Quota enforcement for this resource type is misconfigured and can't be applied. This needs a fix from " +
        'the service provider — please contact support. ClaimCreationPolicy p could not be evaluated: x',
    );
    const verdict = forbidden(text);
    assert.deepEqual(verdict.allowed ? undefined : [verdict.status.code, verdict.status.reason], [
      403,
      'Forbidden',
    ]);
  });

  it('internal error: a 500 with the cause', () => {
    const text = internalMessage('creating claim ns/c: connection reset');
    assert.equal(
      text,
      'Something went wrong while checking your quota for this request. Please try again — if this keeps ' +
        'happening, contact support. Could not claim quota: creating claim ns/c: connection reset',
    );
    const verdict = errored(text);
    assert.deepEqual(verdict.allowed ? undefined : [verdict.status.code, verdict.status.reason], [
      500,
      'InternalError',
    ]);
  });
});
