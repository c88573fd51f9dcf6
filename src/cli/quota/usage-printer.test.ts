import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usageBar } from './bar.ts';
import { ACME, BETA, bucket, DEMO_BUCKETS, registration } from './testing.ts';
import { groupBuckets } from './usage.ts';
import { printUsage } from './usage-printer.ts';

const TABLE = `CONSUMER: Organization acme (resourcemanager.miloapis.com)
RESOURCE TYPE                           LIMIT   ALLOCATED   AVAILABLE   CLAIMS   USAGE
compute.example.com/memory-bytes        4       5           0           2        [██████████] 125% (over-committed by 1)
compute.example.com/vcpus               100     85          15          12       [████████░░]  85%
resourcemanager.miloapis.com/projects   10      6           4           6        [██████░░░░]  60%

CONSUMER: Organization beta (resourcemanager.miloapis.com)
RESOURCE TYPE                           LIMIT   ALLOCATED   AVAILABLE   CLAIMS   USAGE
compute.example.com/vcpus               -       -           -           -        not reconciled yet
resourcemanager.miloapis.com/projects   0       0           0           0        [░░░░░░░░░░]    -
`;

describe('usage printer', () => {
  const groups = groupBuckets(DEMO_BUCKETS);

  it('prints one table per consumer, sorted, with usage bars', () => {
    assert.equal(printUsage(groups, 'table', false), TABLE);
  });

  it('colours only the usage cell: yellow from 80 %, red when full or over-committed', () => {
    const lines = printUsage(groups, 'table', true).split('\n');
    assert.equal(
      lines[2]?.slice(lines[2].indexOf('\x1b')),
      '\x1b[31m[██████████] 125% (over-committed by 1)\x1b[0m',
    );
    assert.equal(lines[3]?.slice(lines[3].indexOf('\x1b')), '\x1b[33m[████████░░]  85%\x1b[0m');
    assert.equal(lines[4]?.includes('\x1b'), false, '60 % is not coloured');
  });

  it('prints JSON with the figures, the usage percent and over-commit', () => {
    const acme = groupBuckets(DEMO_BUCKETS, { kind: 'organization', name: 'acme' });
    const json = printUsage(
      acme.map((g) => ({ ...g, buckets: g.buckets.slice(0, 1) })),
      'json',
      false,
    );
    assert.equal(
      json,
      `{
  "consumers": [
    {
      "consumer": {
        "apiGroup": "resourcemanager.miloapis.com",
        "kind": "Organization",
        "name": "acme"
      },
      "buckets": [
        {
          "namespace": "quota-system",
          "name": "bucket-acme-compute-example-com-memory-bytes",
          "resourceType": "compute.example.com/memory-bytes",
          "limit": 4,
          "allocated": 5,
          "available": 0,
          "claims": 2,
          "usagePercent": 125,
          "overCommitted": 1
        }
      ]
    }
  ]
}
`,
    );
  });

  it('prints the same document as YAML', () => {
    const yaml = printUsage(
      groupBuckets(DEMO_BUCKETS, { kind: 'Organization', name: 'beta' }),
      'yaml',
      false,
    );
    assert.match(yaml, /^consumers:\n {2}- consumer:\n/);
    assert.match(yaml, /usagePercent: null/);
  });

  it('filters by consumer, kind ignoring case, group when given', () => {
    assert.equal(groupBuckets(DEMO_BUCKETS, { kind: 'ORGANIZATION', name: 'acme' }).length, 1);
    assert.equal(
      groupBuckets(DEMO_BUCKETS, { kind: 'organization', group: 'other.io', name: 'acme' }).length,
      0,
    );
    assert.equal(groupBuckets(DEMO_BUCKETS, { kind: 'project', name: 'acme' }).length, 0);
  });
});

describe('usageBar', () => {
  it('fills one cell per 10 %, rounding down', () => {
    assert.equal(usageBar(100, 0, false), '[░░░░░░░░░░]   0%');
    assert.equal(usageBar(100, 79, false), '[███████░░░]  79%');
    assert.equal(usageBar(100, 100, false), '[██████████] 100%');
    assert.equal(usageBar(3, 2, false), '[██████░░░░]  66%');
  });

  it('shows a zero limit with usage as over', () => {
    assert.equal(usageBar(0, 2, false), '[██████████] over (over-committed by 2)');
  });

  it('colours at the thresholds', () => {
    assert.equal(usageBar(100, 79, true), '[███████░░░]  79%');
    assert.equal(usageBar(100, 80, true), '\x1b[33m[████████░░]  80%\x1b[0m');
    assert.equal(usageBar(100, 100, true), '\x1b[31m[██████████] 100%\x1b[0m');
  });
});

describe('usage with registrations', () => {
  const DNS = 'feature.example.com/ai-edge-dns';
  const BETA_UI = 'feature.example.com/new-ui';
  const registrations = new Map(
    [
      registration('compute.example.com/vcpus', {
        baseUnit: 'millicores',
        displayUnit: 'vCPUs',
        unitConversionFactor: 1000,
      }),
      registration(DNS, 'feature'),
      registration(BETA_UI, 'feature'),
    ].map((r) => [r.spec.resourceType, r]),
  );
  const buckets = [
    bucket(ACME, 'compute.example.com/vcpus', { limit: 48000, allocated: 1500, claims: 3 }),
    bucket(ACME, 'resourcemanager.miloapis.com/projects', { limit: 10, allocated: 6, claims: 6 }),
    bucket(ACME, DNS, { limit: 1, allocated: 0, claims: 0 }),
    bucket(ACME, BETA_UI, { limit: 0, allocated: 0, claims: 0 }),
    bucket(BETA, DNS),
  ];
  const groups = groupBuckets(buckets, undefined, registrations);

  it('shows quantities in display units and features as on/off in their own table', () => {
    assert.equal(
      printUsage(groups, 'table', false),
      `CONSUMER: Organization acme (resourcemanager.miloapis.com)
RESOURCE TYPE                           LIMIT      ALLOCATED   AVAILABLE    CLAIMS   USAGE
compute.example.com/vcpus               48 vCPUs   1.5 vCPUs   46.5 vCPUs   3        [░░░░░░░░░░]   3%
resourcemanager.miloapis.com/projects   10         6           4            6        [██████░░░░]  60%

FEATURE                           STATE
feature.example.com/ai-edge-dns   on
feature.example.com/new-ui        off

CONSUMER: Organization beta (resourcemanager.miloapis.com)
FEATURE                           STATE
feature.example.com/ai-edge-dns   off (not reconciled yet)
`,
    );
  });

  it('keeps base units in JSON, with the display figures and the feature states alongside', () => {
    const doc = JSON.parse(printUsage(groups, 'json', false));
    const acme = doc.consumers[0];
    assert.deepEqual(acme.buckets[0].display, {
      unit: 'vCPUs',
      unitConversionFactor: 1000,
      limit: '48',
      allocated: '1.5',
      available: '46.5',
    });
    assert.equal(acme.buckets[0].limit, 48000);
    assert.equal(acme.buckets[0].units, undefined);
    assert.equal(acme.buckets[1].display, undefined, 'no registration: no display figures');
    assert.deepEqual(
      acme.features.map((f: { resourceType: string; enabled: boolean }) => [f.resourceType, f.enabled]),
      [
        [DNS, true],
        [BETA_UI, false],
      ],
    );
  });
});
