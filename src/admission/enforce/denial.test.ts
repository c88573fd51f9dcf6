import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quotaFiguresFromCauses } from '../../api/index.ts';
import { conflict, errored, forbidden, timedOut, type Verdict } from '../../webhook/review.ts';
import {
  conflictMessage,
  denialCauses,
  denialMessage,
  internalMessage,
  misconfiguredMessage,
  timeoutMessage,
} from './denial.ts';
import { denialVerdict } from './snapshot-answers.ts';

const codeAndReason = (verdict: Verdict) =>
  verdict.allowed ? undefined : [verdict.status.code, verdict.status.reason];

// Milo 3de48987's sentences, copied here on purpose: clients match them, so changing one must fail a test.
describe("refusals open with Milo's words (3de48987), ours after them", () => {
  it('timeout: "took too long", then that nothing was admitted; a 504 Timeout, never a 403', () => {
    assert.equal(
      timeoutMessage(),
      'Your request took too long to be checked against your quota. Please try again in a moment — if this ' +
        'keeps happening, contact support. Timed out waiting for the quota decision; the create was not admitted.',
    );
    assert.deepEqual(codeAndReason(timedOut(timeoutMessage())), [504, 'Timeout']);
  });

  it('conflict: the cause in the parentheses; a 409 Conflict', () => {
    assert.equal(
      conflictMessage('another create made claim ns/c at the same moment; retry the request'),
      "We're still cleaning up from a previous attempt to create this resource (another create made claim " +
        'ns/c at the same moment; retry the request). Please try again in a few seconds.',
    );
    assert.deepEqual(codeAndReason(conflict(conflictMessage('x'))), [409, 'Conflict']);
  });

  it("misconfiguration: a 403 naming the policy problem after Milo's sentence", () => {
    const text = misconfiguredMessage('ClaimCreationPolicy p could not be evaluated: x');
    assert.equal(
      text,
      "Quota enforcement for this resource type is misconfigured and can't be applied. This needs a fix from " +
        'the service provider — please contact support. ClaimCreationPolicy p could not be evaluated: x',
    );
    assert.deepEqual(codeAndReason(forbidden(text)), [403, 'Forbidden']);
  });

  it('internal error: a 500 with the cause', () => {
    const text = internalMessage('creating claim ns/c: connection reset');
    assert.equal(
      text,
      'Something went wrong while checking your quota for this request. Please try again — if this keeps ' +
        'happening, contact support. Could not claim quota: creating claim ns/c: connection reset',
    );
    assert.deepEqual(codeAndReason(errored(text)), [500, 'InternalError']);
  });
});

describe('quota denial: display units for people, base-unit figures for machines', () => {
  const consumer = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' };
  const vcpus = {
    resourceType: 'compute.miloapis.com/vcpus',
    requested: 4000,
    limit: 10000,
    allocated: 8000,
    available: 2000,
    display: { displayUnit: 'vCPUs', unitConversionFactor: 1000 },
  };
  const projects = {
    resourceType: 'example.com/projects',
    requested: 1,
    limit: 2,
    allocated: 2,
    available: 0,
  };
  const denials = [{ consumer, policy: 'instances', requests: [vcpus, projects] }];

  it('adds the display form after the base figures of a request whose registration converts', () => {
    assert.equal(
      denialMessage(denials),
      "You've reached your quota for this resource type (Insufficient quota resources available: " +
        'compute.miloapis.com/vcpus: requested 4000, limit 10000, allocated 8000, available 2000 ' +
        '(4 vCPUs requested, 10 vCPUs limit, 8 vCPUs allocated, 2 vCPUs available); ' +
        'example.com/projects: requested 1, limit 2, allocated 2, available 0 ' +
        '(consumer resourcemanager.miloapis.com/Organization acme, policy instances)). ' +
        'Delete unused resources to free up capacity, or contact support to request a higher limit.',
    );
  });

  it('names every figure as a status cause in base units, and the verdict is a 403 carrying them', () => {
    const causes = denialCauses(denials);
    assert.deepEqual(causes.slice(0, 4), [
      {
        reason: 'QuotaExceeded',
        field: 'claims[0].requests[compute.miloapis.com/vcpus].requested',
        message: '4000',
      },
      {
        reason: 'QuotaExceeded',
        field: 'claims[0].requests[compute.miloapis.com/vcpus].limit',
        message: '10000',
      },
      {
        reason: 'QuotaExceeded',
        field: 'claims[0].requests[compute.miloapis.com/vcpus].allocated',
        message: '8000',
      },
      {
        reason: 'QuotaExceeded',
        field: 'claims[0].requests[compute.miloapis.com/vcpus].available',
        message: '2000',
      },
    ]);
    assert.equal(causes.length, 8);
    const verdict = denialVerdict(denials);
    assert.ok(!verdict.allowed);
    assert.equal(verdict.status.code, 403);
    assert.deepEqual(verdict.status.details?.causes, causes);
    assert.deepEqual(quotaFiguresFromCauses(verdict.status.details?.causes), [
      {
        claim: 0,
        resourceType: 'compute.miloapis.com/vcpus',
        requested: 4000,
        limit: 10000,
        allocated: 8000,
        available: 2000,
      },
      { claim: 0, resourceType: 'example.com/projects', requested: 1, limit: 2, allocated: 2, available: 0 },
    ]);
  });
});
