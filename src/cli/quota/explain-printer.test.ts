import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../api/index.ts';
import { INITIAL_CLAIM_CONDITION } from '../../quota/index.ts';
import { explainClaim } from './explain.ts';
import { printExplain } from './explain-printer.ts';
import { ACME, bucket, DENIED_CLAIM, registration } from './testing.ts';
import { waitText } from './wait.ts';

const NOW = new Date('2025-01-01T00:05:00Z');
const VCPUS = bucket(ACME, 'compute.example.com/vcpus', { limit: 10, allocated: 7 });

const DENIED_TEXT = `Claim:    team-a/instance-web-1
Created:  2025-01-01T00:00:00Z (5m ago)
Consumer: Organization acme (resourcemanager.miloapis.com)
Object:   Instance web-1 in namespace team-a (compute.example.com)
Owners:   Instance web-1 (uid u-1)
Policy:   none: created by a service or by hand, not by a ClaimCreationPolicy
Decision: Denied (QuotaExceeded): Insufficient quota resources. Contact your account administrator to review quota limits and usage.

RESOURCE TYPE                   REQUESTED   DECISION   LIMIT   ALLOCATED   AVAILABLE
compute.example.com/vcpus       8           Denied     10      7           3
compute.example.com/instances   1           Denied     -       -           -
Limit, allocated and available are the buckets' figures now, not at the time of the decision.

Messages:
  compute.example.com/vcpus: Resource quota exceeded: requested 8, available 3
  compute.example.com/instances: Not reserved: the claim is granted all together or not at all

Why:
  - compute.example.com/vcpus: requested 8 but only 3 of 10 available (7 allocated to other claims)
  - Claims are all or nothing: this claim holds no capacity for any of its requests.
  - To proceed: raise the quota of Organization acme with a new or larger ResourceGrant, or release other claims; then delete this claim and create it again (a denial is final).
  - No AllowanceBucket found for compute.example.com/instances: the consumer has no Active grant for it yet, or you may not read its bucket.
`;

function pendingClaim(): ResourceClaim {
  const { status: _status, ...rest } = DENIED_CLAIM;
  return {
    ...rest,
    metadata: {
      ...rest.metadata,
      labels: { 'quota.miloapis.com/policy': 'instances', 'quota.miloapis.com/auto-created': 'true' },
    },
    status: { conditions: [{ ...INITIAL_CLAIM_CONDITION, lastTransitionTime: '1970-01-01T00:00:00Z' }] },
  };
}

describe('explain printer', () => {
  it('explains a denial: figures per request, the request that did not fit, and what to do', () => {
    assert.equal(printExplain(explainClaim(DENIED_CLAIM, [VCPUS]), 'table', NOW), DENIED_TEXT);
  });

  it('ignores buckets of other consumers', () => {
    const other = bucket({ ...ACME, name: 'other' }, 'compute.example.com/vcpus', {
      limit: 99,
      allocated: 0,
    });
    const report = explainClaim(DENIED_CLAIM, [other]);
    assert.equal(report.requests[0]?.bucket, undefined);
    // no bucket of the claim's consumer, so no figures: the operator's message says what was short
    assert.equal(
      report.why[0],
      'compute.example.com/vcpus: Resource quota exceeded: requested 8, available 3',
    );
  });

  it('explains a claim nobody has decided yet, and names the policy that made it', () => {
    const text = printExplain(explainClaim(pendingClaim(), [VCPUS]), 'table', NOW);
    assert.match(text, /^Policy: {3}ClaimCreationPolicy instances \(created at admission\)$/m);
    assert.match(text, /^Decision: Pending \(PendingEvaluation\): Awaiting capacity evaluation$/m);
    assert.match(
      text,
      /- No decision has been recorded yet\. If this lasts more than a few seconds, check that the quota operator is running\./,
    );
  });

  it("shows figures in the registration's display units, in the table and in the reasons", () => {
    const vcpus = registration('compute.example.com/vcpus', {
      baseUnit: 'vCPUs',
      displayUnit: 'dozen vCPUs',
      unitConversionFactor: 12,
    });
    const report = explainClaim(DENIED_CLAIM, [VCPUS], new Map([[vcpus.spec.resourceType, vcpus]]));
    const text = printExplain(report, 'table', NOW);
    assert.match(
      text,
      /compute\.example\.com\/vcpus {7}0\.667 dozen vCPUs {3}Denied {5}0\.833 dozen vCPUs {3}0\.583 dozen vCPUs {3}0\.25 dozen vCPUs\n/,
    );
    assert.match(text, /compute\.example\.com\/instances {3}1 {19}Denied/, 'no registration: base units');
    assert.match(
      text,
      /requested 0\.667 dozen vCPUs but only 0\.25 dozen vCPUs of 0\.833 dozen vCPUs available \(0\.583 dozen vCPUs allocated to other claims\)/,
    );
    const json = JSON.parse(printExplain(report, 'json', NOW));
    assert.equal(json.requests[0].requested, 8, 'JSON keeps base units');
    assert.deepEqual(json.requests[0].units, { displayUnit: 'dozen vCPUs', unitConversionFactor: 12 });
  });

  it('prints the report as JSON', () => {
    const json = JSON.parse(printExplain(explainClaim(DENIED_CLAIM, [VCPUS]), 'json', NOW));
    assert.deepEqual(Object.keys(json), [
      'namespace',
      'name',
      'created',
      'consumer',
      'object',
      'owners',
      'autoCreated',
      'decision',
      'requests',
      'why',
    ]);
    assert.deepEqual(json.requests[0], {
      resourceType: 'compute.example.com/vcpus',
      requested: 8,
      status: 'Denied',
      reason: 'QuotaExceeded',
      message: 'Resource quota exceeded: requested 8, available 3',
      bucket: { namespace: 'quota-system', name: VCPUS.metadata.name, limit: 10, allocated: 7, available: 3 },
    });
  });
});

describe('wait text', () => {
  it('prints each outcome on one line, denials with one line per denied request', () => {
    assert.equal(
      waitText('c', { outcome: 'granted', message: 'All 1 resource requests have been granted' }, 1000),
      'resourceclaim/c granted: All 1 resource requests have been granted\n',
    );
    assert.equal(
      waitText('c', { outcome: 'timeout', message: 'Awaiting capacity evaluation' }, 90_000),
      'resourceclaim/c not decided after 1m30s: Awaiting capacity evaluation\n',
    );
    const denied = {
      outcome: 'denied' as const,
      reason: 'QuotaExceeded' as const,
      message: 'Insufficient quota resources.',
      denials: [
        {
          resourceType: 'vcpus',
          reason: 'QuotaExceeded' as const,
          message: 'Resource quota exceeded: requested 8, available 3',
          requested: 8,
        },
        { resourceType: 'instances', reason: 'QuotaExceeded' as const, message: '', requested: 1 },
      ],
    };
    assert.equal(
      waitText('c', denied, 1000),
      'resourceclaim/c denied (QuotaExceeded): Insufficient quota resources.\n  vcpus: Resource quota exceeded: requested 8, available 3\n  instances: QuotaExceeded (requested 1)\n',
    );
    const millicores = registration('vcpus', {
      baseUnit: 'millicores',
      displayUnit: 'vCPUs',
      unitConversionFactor: 1000,
    });
    assert.equal(
      waitText('c', denied, 1000, new Map([['vcpus', millicores]])),
      'resourceclaim/c denied (QuotaExceeded): Insufficient quota resources.\n  vcpus: Resource quota exceeded: requested 8, available 3 (requested 0.008 vCPUs)\n  instances: QuotaExceeded (requested 1)\n',
      "the operator's message as written, then the amount requested in display units",
    );
    const withDisplay =
      'Resource quota exceeded: requested 8, available 3 (0.008 vCPUs requested, 0.003 vCPUs available)';
    const first = {
      resourceType: 'vcpus',
      reason: 'QuotaExceeded' as const,
      message: withDisplay,
      requested: 8,
    };
    assert.equal(
      waitText('c', { ...denied, denials: [first] }, 1000, new Map([['vcpus', millicores]])),
      `resourceclaim/c denied (QuotaExceeded): Insufficient quota resources.\n  vcpus: ${withDisplay}\n`,
      'a message that already shows display units is not followed by them again',
    );
  });
});
