// Every case of the bad-input catalogue is rejected by a real apiserver with our CRDs (no operator or
// webhook running: these are schema and CEL checks), and the message names the offending field.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { GROUP, PLURALS, type QuotaKind } from '../../../src/api/index.ts';
import { useControlPlane } from '../../support/cluster.ts';
import { BAD_INPUTS } from './bad-inputs.cases.ts';
import { applyEdit, type BadInput, type QuotaManifest } from './cases/base.ts';
import { installCrds, kubectlFails, kubectlOk, manifest } from './support.ts';

const plane = useControlPlane({ controllerManager: false });

function target(obj: QuotaManifest): string[] {
  const ns = obj.metadata.namespace === undefined ? [] : ['-n', obj.metadata.namespace];
  // fully qualified: plain `resourceclaims` means resource.k8s.io (DRA) claims on Kubernetes >= 1.34
  return [...ns, `${PLURALS[obj.kind as QuotaKind]}.${GROUP}`, obj.metadata.name ?? ''];
}

async function rejection(c: BadInput, index: number): Promise<string> {
  const obj = { ...c.base() };
  obj.metadata = { ...obj.metadata, name: `bad-${index}` };
  const cp = plane.current;
  if (c.on === 'update' || c.on === 'status') await kubectlOk(cp, ['create', '-f', '-'], manifest(obj));
  if (c.on === 'status') {
    const patch = JSON.stringify({ status: c.status });
    return kubectlFails(cp, ['patch', ...target(obj), '--subresource=status', '--type=merge', '-p', patch]);
  }
  return kubectlFails(cp, ['apply', '-f', '-'], manifest(applyEdit(obj, c)));
}

describe('the apiserver rejects bad input, naming the field', () => {
  before(async () => {
    await installCrds(plane.current);
  });

  it('has a catalogue of at least 30 cases', () => {
    assert.ok(BAD_INPUTS.length >= 30, `only ${BAD_INPUTS.length} cases`);
  });

  BAD_INPUTS.forEach((c, index) => {
    it(c.name, async () => {
      const message = await rejection(c, index);
      assert.ok(message.includes(c.field), `message does not name ${c.field}:\n${message}`);
      if (c.says !== undefined)
        assert.ok(message.includes(c.says), `message does not say "${c.says}":\n${message}`);
    });
  });

  it('accepts every base object unchanged (so each case fails for its own reason)', async () => {
    const seen = new Set<() => unknown>();
    for (const [index, c] of BAD_INPUTS.entries()) {
      if (seen.has(c.base)) continue;
      seen.add(c.base);
      const obj = c.base();
      obj.metadata = { ...obj.metadata, name: `good-${index}` };
      await kubectlOk(plane.current, ['create', '--dry-run=server', '-f', '-'], manifest(obj));
    }
  });
});
