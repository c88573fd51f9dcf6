// --authorize-trigger-consumer (docs/security.md "Charging through a policy"): with it on, an enforced create
// also needs its requester to hold `claim` on every consumer the policies charge, so a tenant who may create
// Projects cannot create one that names someone else's Organization.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESOURCES } from '../../src/cache/index.ts';
import { makeGrant, makeRegistration, org } from '../support/builders.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { kubectlOk } from '../support/kube.ts';
import { project } from '../support/manifests.ts';
import { TEST_OPERATOR_OPTIONS, useOperator } from '../support/operator.ts';
import {
  assertQuotaInvariants,
  claimOrganizationRole,
  kubectlAs,
  PROJECTS,
  platformProjects,
  projectsPolicy,
} from './support.ts';

const plane = useControlPlane();
const { webhook } = TEST_OPERATOR_OPTIONS;
if (webhook === false) throw new Error('the test operator serves webhooks');
const env = useOperator(plane, { webhook: { ...webhook, authorizeTriggerConsumer: true } });
const NS = 'quota-system';
const admin = (...args: string[]) => kubectlOk(plane.current, args);
const bob = (args: string[], input?: string) => kubectlAs(plane.current, 'bob', args, input);

describe('--authorize-trigger-consumer', () => {
  it('refuses a Project naming an Organization its creator may not charge, and admits one it may', async () => {
    const { client } = env;
    await client.create(RESOURCES.registrations, makeRegistration('projects', 'example.com/projects'));
    for (const name of ['bobs-org', 'acme']) {
      await client.create(
        RESOURCES.grants,
        makeGrant(`${name}-grant`, NS, org(name)).allow('example.com/projects', 5).build(),
      );
    }
    await kubectlOk(
      plane.current,
      ['apply', '-f', '-'],
      `${platformProjects('bob')}---${projectsPolicy(NS)}`,
    );
    await admin(
      'wait',
      '--for=condition=Ready',
      '--timeout=60s',
      'claimcreationpolicy.quota.miloapis.com/projects-policy',
    );
    await kubectlOk(plane.current, ['apply', '-f', '-'], claimOrganizationRole('bob', 'bobs-org'));
    await eventually('bob may create a Project of bobs-org', async () => {
      const r = await bob(['apply', '-f', '-'], project('bobs-project', 'bobs-org'));
      return r.code === 0;
    });
    const foreign = await bob(['apply', '-f', '-'], project('on-acme', 'acme'));
    assert.notEqual(foreign.code, 0, 'charging acme must be refused');
    assert.match(foreign.stderr, /user "bob" may not charge quota to Organization "acme"/);
    assert.notEqual((await plane.current.kubectl(['get', 'project', 'on-acme'])).code, 0);
    // An admin (system:masters) may charge anyone.
    assert.equal(
      (await plane.current.kubectl(['apply', '-f', '-'], { input: project('admin-on-acme', 'acme') })).code,
      0,
    );
    await assertQuotaInvariants(client, [{ resource: PROJECTS, namespace: '', policy: 'projects-policy' }]);
  });
});
