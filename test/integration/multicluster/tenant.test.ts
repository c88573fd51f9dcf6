// A tenant against a member's claims (docs/multicluster.md, docs/security.md), on two real control planes: the
// quota cluster and member p1, reached with config/member's least-privilege token. The tenant holds only the
// roles we ship for tenants (milo-quota-viewer and milo-quota-editor, bound in p1's claim namespace) and acts
// with `kubectl --as`: deleting a Granted member claim whose Secret still exists in p1, or unlinking it from p1,
// is refused; once the Secret is deleted in p1, the operator releases the claim.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ANNOTATION_WEBHOOK_CLIENT_NAME,
  LABEL_MEMBER_CLUSTER,
  type ResourceClaim,
} from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { MEMBER_WEBHOOK_CONFIGURATION } from '../../../src/controllers/members/member-webhooks.ts';
import { SECRETS } from '../../../src/controllers/members/registry.ts';
import { WEBHOOK_CLIENT_NAME } from '../../../src/envtest/index.ts';
import { kubeRequest, resourcePath } from '../../../src/runtime/index.ts';
import { kubectlAs } from '../../security/support.ts';
import { makeGrant } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath, waitForCondition } from '../../support/kube.ts';
import { memberWithLeastPrivilege } from '../../support/members.ts';
import { useOperator } from '../../support/operator.ts';

const quota = useControlPlane({ controllerManager: false });
const p1 = useControlPlane({ controllerManager: false });
const env = useOperator(quota, { members: { webhookHost: '127.0.0.1' } });
const step = (file: string) => repoPath('test/fixtures/milo-upstream/multi-cluster-enforcement', file);
const CLAIMS_NS = 'quota-member-p1';
const TENANT = 'mallory';
const TYPE = 'test.multicluster.miloapis.com/secrets';

describe('a tenant with the shipped roles against member claims', () => {
  it('cannot delete or unlink a Granted member claim whose Secret exists in the member; deleting the Secret there releases it', async () => {
    const admin = (...args: string[]) => kubectlOk(quota.current, args);
    const tenant = (...args: string[]) => kubectlAs(quota.current, TENANT, args);
    await admin('apply', '-f', step('01-resource-registration.yaml'));
    await admin('apply', '-f', repoPath('config/rbac/user_roles.yaml'));
    await admin('create', 'namespace', CLAIMS_NS);
    for (const role of ['milo-quota-viewer', 'milo-quota-editor'])
      await admin(
        'create',
        'rolebinding',
        `${TENANT}-${role}`,
        `--clusterrole=${role}`,
        `--user=${TENANT}`,
        '-n',
        CLAIMS_NS,
      );
    const project = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'p1' };
    await waitForCondition(quota.current, 'Active', [
      'resourceregistration.quota.miloapis.com/mc-test-secrets-per-project',
    ]);
    await env.client.create(
      RESOURCES.grants,
      makeGrant('secrets-p1', 'quota-system', project).allow(TYPE, 5).build(),
    );
    await admin('apply', '-f', step('04-claim-creation-policy.yaml'));
    await waitForCondition(quota.current, 'Ready', [
      'claimcreationpolicy.quota.miloapis.com/mc-test-secret-claim-policy',
    ]);
    const registration = await memberWithLeastPrivilege('p1', p1.current, {
      namespace: 'quota-system',
      annotations: { [ANNOTATION_WEBHOOK_CLIENT_NAME]: WEBHOOK_CLIENT_NAME },
    });
    await env.client.create(SECRETS, registration);
    await eventually(
      "p1's webhook configuration",
      async () =>
        (
          await p1.current.kubectl([
            'get',
            'validatingwebhookconfiguration',
            MEMBER_WEBHOOK_CONFIGURATION,
            '-o',
            'json',
          ])
        ).stdout.includes('/members/p1/enforce'),
      60_000,
    );
    await kubectlOk(p1.current, [
      'create',
      'secret',
      'generic',
      'kept',
      '-n',
      'default',
      '--from-literal=k=v',
    ]);
    const claims = async () =>
      (
        await kubeRequest<{ items: ResourceClaim[] }>(quota.current.kubeConfig, {
          method: 'GET',
          path: resourcePath(RESOURCES.claims, CLAIMS_NS),
        })
      ).items;
    const [claim] = await claims();
    assert.ok(claim, 'the Secret in p1 is charged by a claim in the quota cluster');
    assert.equal(claim.metadata.labels?.[LABEL_MEMBER_CLUSTER], 'p1');
    const name = claim.metadata.name ?? '';

    // the tenant's roles allow the verbs; the claim webhook refuses them while the Secret exists in p1
    const can = await tenant('auth', 'can-i', 'delete', 'resourceclaims.quota.miloapis.com', '-n', CLAIMS_NS);
    assert.equal(can.stdout.trim(), 'yes', 'RBAC alone would let the tenant delete it');
    const deleted = await tenant('delete', 'resourceclaims.quota.miloapis.com', name, '-n', CLAIMS_NS);
    assert.notEqual(deleted.code, 0, 'deleting a Granted member claim in use is refused');
    assert.match(
      deleted.stderr,
      /which still exists: deleting the claim would free capacity that is still in use/,
    );
    const all = await tenant('delete', 'resourceclaims.quota.miloapis.com', '--all', '-n', CLAIMS_NS);
    assert.notEqual(all.code, 0, 'so is --all');
    const unlinked = await tenant(
      'label',
      'resourceclaims.quota.miloapis.com',
      name,
      '-n',
      CLAIMS_NS,
      `${LABEL_MEMBER_CLUSTER}-`,
    );
    assert.notEqual(unlinked.code, 0, 'unlinking the claim from its member is refused');
    const relinked = await tenant(
      'label',
      '--overwrite',
      'resourceclaims.quota.miloapis.com',
      name,
      '-n',
      CLAIMS_NS,
      `${LABEL_MEMBER_CLUSTER}=p9`,
    );
    assert.notEqual(relinked.code, 0, 'pointing it at another member is refused');
    const [still] = await claims();
    assert.equal(still?.metadata.uid, claim.metadata.uid, 'the claim is untouched');
    assert.equal(still?.metadata.labels?.[LABEL_MEMBER_CLUSTER], 'p1');

    // the object goes in p1: the operator frees the quota, nobody else has to
    await kubectlOk(p1.current, ['delete', 'secret', 'kept', '-n', 'default']);
    await eventually('the claim released', async () => (await claims()).length === 0, 60_000);
  });
});
