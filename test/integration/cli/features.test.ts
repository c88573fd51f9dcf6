// kubectl quota with registrations on a real apiserver: figures in each registration's display units
// (48000 millicores shown as 48 vCPUs) and Feature buckets shown on/off, apart from the quantities.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ResourceRegistration } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { ensureClaim, FEATURE_TYPE } from '../../../src/client/index.ts';
import { createClient } from '../../../src/runtime/index.ts';
import { makeRegistration } from '../../support/builders.ts';
import { useControlPlane } from '../../support/cluster.ts';
import {
  createBucket,
  createNamespace,
  createOwner,
  deniedStatus,
  installCrds,
  ORG,
  writeClaimStatus,
} from '../client/fixtures.ts';
import { runCli } from './run-cli.ts';

const plane = useControlPlane({ controllerManager: false });
const kc = () => plane.current.kubeConfig;
const env = () => ({ KUBECONFIG: plane.current.kubeconfigPath });
const BETA = { ...ORG, name: 'beta' };
const VCPUS = 'compute.example.com/vcpus';
const PROJECTS = 'resourcemanager.miloapis.com/projects';
const DNS = 'feature.example.com/ai-edge-dns';
const NEW_UI = 'feature.example.com/new-ui';

function registration(
  name: string,
  resourceType: string,
  spec: Partial<ResourceRegistration['spec']>,
): ResourceRegistration {
  const reg = makeRegistration(name, resourceType);
  return { ...reg, spec: { ...reg.spec, ...spec } };
}

const FEATURE: Partial<ResourceRegistration['spec']> = {
  type: FEATURE_TYPE,
  baseUnit: 'feature',
  displayUnit: 'feature',
};

describe('kubectl quota with display units and features', () => {
  before(async () => {
    await installCrds(plane.current);
    for (const ns of ['quota-system', 'team-a']) await createNamespace(kc(), ns);
    const client = createClient(kc());
    for (const reg of [
      registration('vcpus', VCPUS, {
        type: 'Allocation',
        baseUnit: 'millicores',
        displayUnit: 'vCPUs',
        unitConversionFactor: 1000,
      }),
      registration('projects', PROJECTS, { displayUnit: 'projects' }),
      registration('feature-ai-edge-dns', DNS, FEATURE),
      registration('feature-new-ui', NEW_UI, FEATURE),
    ]) {
      await client.create(RESOURCES.registrations, reg);
    }
    const acme = { namespace: 'quota-system', consumerRef: ORG };
    await createBucket(kc(), {
      ...acme,
      name: 'acme-vcpus',
      resourceType: VCPUS,
      limit: 48000,
      allocated: 1500,
    });
    await createBucket(kc(), {
      ...acme,
      name: 'acme-projects',
      resourceType: PROJECTS,
      limit: 10,
      allocated: 6,
    });
    await createBucket(kc(), {
      ...acme,
      name: 'acme-dns',
      resourceType: DNS,
      limit: 1,
      allocated: 0,
      claimCount: 0,
    });
    await createBucket(kc(), {
      ...acme,
      name: 'acme-ui',
      resourceType: NEW_UI,
      limit: 0,
      allocated: 0,
      claimCount: 0,
    });
    await createBucket(kc(), {
      namespace: 'quota-system',
      consumerRef: BETA,
      name: 'beta-dns',
      resourceType: DNS,
      limit: 0,
      allocated: 0,
      claimCount: 0,
    });
    const owner = await createOwner(kc(), 'team-a', 'big');
    const requests = [{ resourceType: VCPUS, amount: 64000 }];
    const { claim } = await ensureClaim(kc(), {
      owner,
      namespace: 'team-a',
      consumerRef: ORG,
      requests,
      name: 'big',
    });
    await writeClaimStatus(kc(), { namespace: 'team-a', name: 'big' }, deniedStatus(claim, 46500));
  });

  it('usage: quantities in display units, features on/off in their own table', async () => {
    const result = await runCli(['usage'], env());
    assert.deepEqual(result, {
      code: 0,
      stderr: '',
      stdout: `CONSUMER: Organization acme (resourcemanager.miloapis.com)
RESOURCE TYPE                           LIMIT         ALLOCATED    AVAILABLE    CLAIMS   USAGE
compute.example.com/vcpus               48 vCPUs      1.5 vCPUs    46.5 vCPUs   1        [░░░░░░░░░░]   3%
resourcemanager.miloapis.com/projects   10 projects   6 projects   4 projects   1        [██████░░░░]  60%

FEATURE                           STATE
feature.example.com/ai-edge-dns   on
feature.example.com/new-ui        off

CONSUMER: Organization beta (resourcemanager.miloapis.com)
FEATURE                           STATE
feature.example.com/ai-edge-dns   off
`,
    });
  });

  it('usage -o json: base figures, display figures alongside, feature states', async () => {
    const result = await runCli(['usage', '--consumer', 'organization/acme', '-o', 'json'], env());
    assert.equal(result.code, 0, result.stderr);
    const [acme] = JSON.parse(result.stdout).consumers;
    assert.deepEqual(
      acme.buckets.map((b: { resourceType: string; limit: number; display: unknown }) => [
        b.resourceType,
        b.limit,
        b.display,
      ]),
      [
        [
          VCPUS,
          48000,
          { unit: 'vCPUs', unitConversionFactor: 1000, limit: '48', allocated: '1.5', available: '46.5' },
        ],
        [
          PROJECTS,
          10,
          { unit: 'projects', unitConversionFactor: 1, limit: '10', allocated: '6', available: '4' },
        ],
      ],
    );
    assert.deepEqual(
      acme.features.map((f: { resourceType: string; enabled: boolean }) => [f.resourceType, f.enabled]),
      [
        [DNS, true],
        [NEW_UI, false],
      ],
    );
  });

  it('explain: requested and bucket figures in display units, in the table and the reasons', async () => {
    const result = await runCli(['explain', 'claim', 'big', '-n', 'team-a'], env());
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^compute\.example\.com\/vcpus +64 vCPUs +Denied +48 vCPUs +1\.5 vCPUs +46\.5 vCPUs$/m,
    );
    assert.match(
      result.stdout,
      /- compute\.example\.com\/vcpus: requested 64 vCPUs but only 46\.5 vCPUs of 48 vCPUs available \(1\.5 vCPUs allocated to other claims\)/,
    );
  });

  it('wait: a denial quotes the message and adds the amount requested in display units', async () => {
    // what is available is the bucket's, now (explain shows it); a claim's status carries no figures, and
    // the client no longer reads them back out of the message
    const result = await runCli(['wait', 'claim', 'big', '-n', 'team-a', '--timeout', '0'], env());
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stdout,
      /^ {2}compute\.example\.com\/vcpus: Resource quota exceeded: requested 64000, available 46500 \(requested 64 vCPUs\)$/m,
    );
  });
});
