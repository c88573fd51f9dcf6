// The generated CRDs on a real apiserver: discovery (short names, category, no shadowing of built-ins),
// `kubectl explain`, printer columns, selectable fields, the samples, and the status subresource.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CATEGORY, GROUP, KIND_DEFINITIONS } from '../../../src/api/index.ts';
import { useControlPlane } from '../../support/cluster.ts';
import { installCrds, kubectlFails, kubectlOk, repoPath, yamlFiles } from './support.ts';

const plane = useControlPlane({ controllerManager: false });
const kubectl = (...args: string[]) => kubectlOk(plane.current, args);
const header = (out: string) => out.split('\n')[0]?.split(/\s{2,}/) ?? [];

describe('quota CRDs on a real apiserver', () => {
  before(async () => {
    await installCrds(plane.current);
    await kubectl('apply', '-k', repoPath('config/samples/resourcemanager/examples'));
    await kubectl('apply', '-k', repoPath('config/samples'));
    await kubectl('apply', '-f', repoPath('config/samples/quota_v1alpha1_allowancebucket.yaml'));
  });

  it('serves six kinds with short names and the milo-quota category', async () => {
    const out = await kubectl('api-resources', `--api-group=${GROUP}`, '-o', 'wide', '--no-headers');
    for (const def of KIND_DEFINITIONS) {
      const line = out.split('\n').find((l) => l.startsWith(`${def.plural} `));
      assert.ok(line, `${def.plural} is not served`);
      for (const short of def.shortNames) assert.match(line, new RegExp(`\\b${short}\\b`));
      assert.match(line, new RegExp(`\\b${CATEGORY}\\b`));
    }
    const inCategory = await kubectl('api-resources', `--categories=${CATEGORY}`, '-o', 'name');
    assert.equal(inCategory.trim().split('\n').length, 6);
  });

  it('shadows no built-in resource name, short name or category', async () => {
    const out = await kubectl('api-resources', '-o', 'wide', '--no-headers');
    const builtin = new Set<string>();
    for (const line of out
      .split('\n')
      .filter((l) => l && !l.includes(GROUP) && !l.includes('miloapis.com'))) {
      const [name, ...rest] = line.split(/\s+/);
      builtin.add(name ?? '');
      // short names sit between the name and the apiVersion column
      for (const word of rest) {
        if (word.includes('/') || word === 'v1') break;
        for (const short of word.split(',')) builtin.add(short);
      }
    }
    assert.ok(builtin.has('quota') && builtin.has('rc'), 'the parse found the built-in short names');
    for (const def of KIND_DEFINITIONS) {
      for (const n of [...def.shortNames, CATEGORY]) assert.equal(builtin.has(n), false, `${n} is built in`);
    }
    // `kubectl get quota` still means ResourceQuota, and our category lists our kinds
    assert.match(await kubectlFails(plane.current, ['get', 'quota', 'x']), /resourcequotas "x" not found/);
    assert.match(
      await kubectl('get', CATEGORY, '-A'),
      /resourceregistration\.quota\.miloapis\.com\/projects-per-organization/,
    );
  });

  it('explains fields with their descriptions', async () => {
    const amount = await kubectl('explain', `resourceclaims.${GROUP}.spec.requests.amount`);
    assert.match(amount, /FIELD: amount <integer>/);
    assert.match(amount, /at least 1/);
    const status = await kubectl('explain', `allowancebuckets.${GROUP}.status`, '--recursive');
    for (const f of ['limit', 'allocated', 'available', 'claimCount', 'contributingGrantRefs']) {
      assert.match(status, new RegExp(`\\b${f}\\b`));
    }
    // kubectl wraps the description: compare with the whitespace collapsed
    const parent = (await kubectl('explain', 'qgcp.spec.target.parentContext')).replace(/\s+/g, ' ');
    assert.match(
      parent,
      /--parent-context: unsupported \(default; the policy is not Ready\), this-cluster, or members/,
    );
  });

  it('prints the columns SPEC asks for', async () => {
    const buckets = await kubectl('get', 'qbucket');
    assert.deepEqual(header(buckets).slice(0, 6), [
      'NAME',
      'CONSUMER',
      'RESOURCE TYPE',
      'LIMIT',
      'ALLOCATED',
      'AVAILABLE',
    ]);
    const claims = await kubectl('get', 'qclaim');
    assert.deepEqual(header(claims).slice(0, 4), ['NAME', 'CONSUMER', 'GRANTED', 'REASON']);
    // a fresh claim shows Milo's default status at once
    assert.match(claims, /instance-web-1-vcpus\s+acme\s+False\s+PendingEvaluation/);
    assert.deepEqual(header(await kubectl('get', 'qreg')), [
      'NAME',
      'RESOURCE TYPE',
      'TYPE',
      'ACTIVE',
      'AGE',
    ]);
    assert.deepEqual(header(await kubectl('get', 'qgcp')), ['NAME', 'TRIGGER', 'DISABLED', 'READY', 'AGE']);
    assert.deepEqual(header(await kubectl('get', 'qccp')), ['NAME', 'TARGET', 'DISABLED', 'READY', 'AGE']);
    assert.deepEqual(header(await kubectl('get', 'qgrant')), [
      'NAME',
      'CONSUMER TYPE',
      'CONSUMER',
      'ACTIVE',
      'AGE',
    ]);
  });

  it('supports the selectable fields', async () => {
    const byConsumer = await kubectl(
      'get',
      'qclaim',
      '--field-selector=spec.consumerRef.name=acme',
      '-o',
      'name',
    );
    assert.equal(byConsumer.trim(), `resourceclaim.${GROUP}/instance-web-1-vcpus`);
    const none = await kubectl(
      'get',
      'qclaim',
      '--field-selector=spec.consumerRef.name=nobody',
      '-o',
      'name',
    );
    assert.equal(none.trim(), '');
    const byType = await kubectl(
      'get',
      'qreg',
      '--field-selector=spec.resourceType=compute.miloapis.com/vcpus',
      '-o',
      'name',
    );
    assert.equal(byType.trim(), `resourceregistration.${GROUP}/vcpus-per-organization`);
    const enabled = await kubectl('get', 'qgcp', '--field-selector=spec.disabled=false', '-o', 'name');
    assert.equal(enabled.trim().split('\n').length, 2);
  });

  it('applies every sample file on its own, unchanged, and re-applies without changes', async () => {
    for (const file of yamlFiles(repoPath('config/samples'))) {
      if (file.endsWith('kustomization.yaml')) continue;
      const out = await kubectl('apply', '-f', file);
      assert.match(out, /unchanged|configured/, file);
    }
    const diff = await plane.current.kubectl(['diff', '-k', repoPath('config/samples')]);
    assert.equal(diff.code, 0, `kubectl diff is not empty:\n${diff.stdout}${diff.stderr}`);
  });

  it('ignores status written through the main resource and spec written through /status', async () => {
    const grant = ['-n', 'default', `resourcegrants.${GROUP}`, 'acme-expansion-pack'];
    const activeStatus = {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Active',
          status: 'True',
          reason: 'GrantActive',
          message: 'ResourceGrant is active',
          lastTransitionTime: '2024-01-01T00:00:00Z',
        },
      ],
    };
    await kubectl('patch', ...grant, '--type=merge', '-p', JSON.stringify({ status: activeStatus }));
    assert.equal(await kubectl('get', ...grant, '-o', 'jsonpath={.status.conditions}'), '');
    await kubectl(
      'patch',
      ...grant,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: activeStatus, spec: { consumerRef: { name: 'other' } } }),
    );
    assert.equal(
      await kubectl('get', ...grant, '-o', 'jsonpath={.status.conditions[0].reason}'),
      'GrantActive',
    );
    assert.equal(await kubectl('get', ...grant, '-o', 'jsonpath={.spec.consumerRef.name}'), 'acme');
    assert.match(
      await kubectl('get', 'qgrant', '-n', 'default'),
      /acme-expansion-pack\s+Organization\s+acme\s+True/,
    );
  });

  it('installs the resourcemanager demo CRDs with the shapes policies rely on', async () => {
    assert.match(await kubectl('get', 'organizations', 'acme', '-o', 'jsonpath={.spec.type}'), /^Standard$/);
    assert.equal(
      await kubectl('get', 'projects', 'acme-web', '-o', 'jsonpath={.spec.ownerRef.name}'),
      'acme',
    );
    const bad = await kubectlFails(
      plane.current,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
        kind: 'Organization',
        metadata: { name: 'bad-tier' },
        spec: { type: 'Enterprise' },
      }),
    );
    assert.match(bad, /spec\.type/);
  });
});
