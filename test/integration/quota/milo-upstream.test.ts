// Upstream Milo's scenarios pre-created-buckets and manual-claim-preservation (test/fixtures/milo-upstream,
// from milo-os/milo 862dc4d), applied unchanged to an operator with Milo's bucket placement
// (--bucket-placement=milo): buckets are where and under the names Milo gives them, and a claim made by
// hand outlives the orphan grace period. Also: the kustomize component that selects the preset.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { loadAll } from 'js-yaml';
import {
  type AllowanceBucket,
  LABEL_AUTO_CREATED,
  LABEL_CONSUMER_KIND,
  LABEL_CONSUMER_NAME,
  LABEL_RESOURCE_UID,
  type ResourceClaim,
} from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { parseOperatorOptions } from '../../../src/operator/options.ts';
import { isNotFound } from '../../../src/runtime/index.ts';
import { makeClaim } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath } from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane, { bucketPlacement: 'milo', orphanGracePeriodSeconds: 2 });
const fixture = (...parts: string[]) => repoPath('test/fixtures/milo-upstream', ...parts);
const admin = (...args: string[]) => kubectlOk(plane.current, args);
const apply = (file: string) => admin('apply', '-f', file);
const waitFor = (condition: string, ...target: string[]) =>
  admin('wait', `--for=condition=${condition}`, '--timeout=60s', ...target);

const ORG_NS = 'organization-pre-created-test-org';
const PROJECTS = 'pre-created-test/projects-per-org';
const CPU = 'pre-created-test/cpu-per-org';
// bucket- + sha256(resourceType + kind + name), worked out by hand (fixture README)
const PROJECTS_BUCKET = 'bucket-1ffcaee159743e7df83955e0d98418b72e2e353bc3afacb4e6aab38b7fe278fd';
const CPU_BUCKET = 'bucket-28676045d89cd1379bd0fe076e64c00108a7b209e90bee85c6060a285ee90f20';

interface Figures {
  limit: number;
  allocated: number;
  available: number;
  grantCount: number;
  claimCount: number;
}

/** Waits until the bucket `name` in ORG_NS shows `want` (upstream's assertion files), and returns it. */
function bucketShows(name: string, resourceType: string, want: Figures): Promise<AllowanceBucket> {
  return eventually(
    `bucket ${ORG_NS}/${name} (${resourceType}) to show ${JSON.stringify(want)}`,
    async () => {
      const bucket = await env.client.get<AllowanceBucket>(RESOURCES.buckets, ORG_NS, name);
      const s = bucket.status;
      const shown = {
        limit: s?.limit,
        allocated: s?.allocated,
        available: s?.available,
        grantCount: s?.grantCount,
        claimCount: s?.claimCount,
      };
      return JSON.stringify(shown) === JSON.stringify(want) ? bucket : undefined;
    },
  );
}

describe('upstream scenario pre-created-buckets, with --bucket-placement=milo', () => {
  const step = (file: string) => fixture('pre-created-buckets', file);

  it('sets up the registrations, the Organization and its namespace', async () => {
    await apply(step('namespaces.yaml'));
    await apply(step('01-resource-registration.yaml'));
    await waitFor('Active', 'resourceregistration.quota.miloapis.com/pre-created-test-projects-per-org');
    await apply(step('02-resource-registration-cpu.yaml'));
    await waitFor('Active', 'resourceregistration.quota.miloapis.com/pre-created-test-cpu-per-org');
    await apply(step('03-test-organization.yaml'));
  });

  it("pre-creates both buckets in organization-<org>, under Milo's names and labels, once grant 1 is Active", async () => {
    await apply(step('04-resource-grant.yaml'));
    await waitFor('Active', '-n', ORG_NS, 'resourcegrant.quota.miloapis.com/pre-created-test-org-grant-1');
    const projects = await bucketShows(PROJECTS_BUCKET, PROJECTS, {
      limit: 3,
      allocated: 0,
      available: 3,
      grantCount: 1,
      claimCount: 0,
    });
    await bucketShows(CPU_BUCKET, CPU, {
      limit: 4000,
      allocated: 0,
      available: 4000,
      grantCount: 1,
      claimCount: 0,
    });
    assert.equal(projects.metadata.labels?.[LABEL_CONSUMER_KIND], 'Organization');
    assert.equal(projects.metadata.labels?.[LABEL_CONSUMER_NAME], 'pre-created-test-org');
    assert.deepEqual(projects.spec, {
      consumerRef: {
        apiGroup: 'resourcemanager.miloapis.com',
        kind: 'Organization',
        name: 'pre-created-test-org',
      },
      resourceType: PROJECTS,
    });
    const everywhere = JSON.parse(
      await admin('get', 'allowancebuckets.quota.miloapis.com', '-A', '-o', 'json'),
    ) as {
      items: AllowanceBucket[];
    };
    assert.deepEqual(
      everywhere.items.map((b) => `${b.metadata.namespace}/${b.metadata.name}`).sort(),
      [`${ORG_NS}/${PROJECTS_BUCKET}`, `${ORG_NS}/${CPU_BUCKET}`].sort(),
      'no bucket anywhere else (the default placement would use quota-system)',
    );
  });

  it('adds grant 2 to the same buckets', async () => {
    await apply(step('05-additional-grant.yaml'));
    await waitFor('Active', '-n', ORG_NS, 'resourcegrant.quota.miloapis.com/pre-created-test-org-grant-2');
    await bucketShows(PROJECTS_BUCKET, PROJECTS, {
      limit: 5,
      allocated: 0,
      available: 5,
      grantCount: 2,
      claimCount: 0,
    });
    await bucketShows(CPU_BUCKET, CPU, {
      limit: 6000,
      allocated: 0,
      available: 6000,
      grantCount: 2,
      claimCount: 0,
    });
  });

  it('grants the claim from the pre-created bucket, which then shows it', async () => {
    await apply(step('test-data/project-claim.yaml'));
    await waitFor('Granted', '-n', ORG_NS, 'resourceclaim.quota.miloapis.com/pre-created-test-project-claim');
    const claim = await env.client.get<ResourceClaim>(
      RESOURCES.claims,
      ORG_NS,
      'pre-created-test-project-claim',
    );
    assert.equal(claim.status?.conditions?.find((c) => c.type === 'Granted')?.reason, 'QuotaAvailable');
    assert.deepEqual(
      claim.status?.allocations?.map((a) => [
        a.resourceType,
        a.status,
        a.allocatedAmount,
        a.allocatingBucket,
      ]),
      [[PROJECTS, 'Granted', 1, PROJECTS_BUCKET]],
    );
    await bucketShows(PROJECTS_BUCKET, PROJECTS, {
      limit: 5,
      allocated: 1,
      available: 4,
      grantCount: 2,
      claimCount: 1,
    });
  });
});

describe('upstream scenario manual-claim-preservation (orphan grace 2 s)', () => {
  const step = (file: string) => fixture('manual-claim-preservation', file);
  const NS = 'organization-manual-claim-test-org';
  const TYPE = 'test.manual-claim.miloapis.com/projects';
  const getClaim = (name: string) => env.client.get<ResourceClaim>(RESOURCES.claims, NS, name);
  const isGranted = (c: ResourceClaim) =>
    c.status?.conditions?.find((x) => x.type === 'Granted')?.status === 'True';

  it('sets up the registration, the Organization and its grant', async () => {
    await apply(step('namespaces.yaml'));
    await apply(step('01-resource-registration.yaml'));
    await waitFor('Active', 'resourceregistration.quota.miloapis.com/manual-claim-test-resource-reg');
    await apply(step('02-organization.yaml'));
    await apply(step('03-resource-grant.yaml'));
    await waitFor('Active', '-n', NS, 'resourcegrant.quota.miloapis.com/manual-claim-test-org-grant');
  });

  it('keeps the manual claim Granted well past the grace period; deletes an auto-created orphan (control)', async () => {
    const orphan = makeClaim('auto-created-orphan', NS, {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Organization',
      name: 'manual-claim-test-org',
    })
      .request(TYPE, 1)
      .for({ apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'never-created' })
      .build();
    orphan.metadata.labels = { [LABEL_AUTO_CREATED]: 'true', [LABEL_RESOURCE_UID]: 'no-such-uid' };
    await apply(step('04-manual-resource-claim.yaml'));
    await env.client.create(RESOURCES.claims, orphan);
    await waitFor('Granted', '-n', NS, 'resourceclaim.quota.miloapis.com/manual-claim-test-claim');
    await eventually('the auto-created orphan to be deleted', async () => {
      try {
        await getClaim('auto-created-orphan');
        return false;
      } catch (error) {
        return isNotFound(error);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // 2.5 grace periods more
    const manual = await getClaim('manual-claim-test-claim');
    assert.ok(isGranted(manual), `still Granted: ${JSON.stringify(manual.status)}`);
    assert.equal(manual.metadata.deletionTimestamp, undefined);
  });
});

describe('config/components/milo-bucket-placement', () => {
  it('adds --bucket-placement=milo to the Deployment of config/default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'milo-placement-'));
    try {
      const config = relative(dir, repoPath('config'));
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        `resources: [${config}/default]\ncomponents: [${config}/components/milo-bucket-placement]\n`,
      );
      const objects = loadAll(await admin('kustomize', dir)) as {
        kind: string;
        spec?: { template: { spec: { containers: { args: string[] }[] } } };
      }[];
      const deployment = objects.find((o) => o.kind === 'Deployment');
      const args = deployment?.spec?.template.spec.containers[0]?.args ?? [];
      assert.ok(args.includes('--bucket-placement=milo'), args.join(' '));
      assert.equal(parseOperatorOptions(args, {}).bucketPlacement, 'milo');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
