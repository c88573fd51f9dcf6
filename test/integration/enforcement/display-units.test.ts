// Figures in display units where people read them, base units where machines do, on a real control plane
// with a registration of millicores shown as vCPUs (factor 1000): the claim's Denied allocation message and
// its Warning Event keep Milo's base-unit sentence and add the display form; the enforcement webhook's 403
// does the same in its message and carries the base-unit figures as status.details.causes, which the
// apiserver passes through to the client (refusalFigures); the client's claimDecision reads base units.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { ResourceClaim } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { claimDecision, refusalFigures } from '../../../src/client/index.ts';
import { kubeRequest } from '../../../src/runtime/index.ts';
import { makeClaim, makeGrant, makeRegistration, org, project } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { enforcementCovers, kubectlOk } from '../../support/kube.ts';
import { project as projectManifest } from '../../support/manifests.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const NS = 'quota-system';
const VCPUS = 'example.com/vcpus';
const kubectl = (...args: string[]) => kubectlOk(plane.current, args);

const policy = `
apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata: {name: vcpus-per-project}
spec:
  trigger:
    resource: {apiVersion: resourcemanager.miloapis.com/v1alpha1, kind: Project}
  target:
    resourceClaimTemplate:
      metadata: {name: "vcpus-{{trigger.metadata.name}}", namespace: ${NS}}
      spec:
        consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Organization, name: "{{trigger.spec.ownerRef.name}}"}
        requests: [{resourceType: ${VCPUS}, amount: 1500}]
`;

describe('figures in display units for people, base units for machines', () => {
  it('sets up vCPUs in millicores (factor 1000), 2 vCPUs for acme, 1.5 vCPUs per Project', async () => {
    const registration = makeRegistration('vcpus', VCPUS);
    registration.spec = {
      ...registration.spec,
      type: 'Allocation',
      baseUnit: 'millicore',
      displayUnit: 'vCPUs',
      unitConversionFactor: 1000,
    };
    await env.client.create(RESOURCES.registrations, registration);
    await env.client.create(
      RESOURCES.grants,
      makeGrant('acme-vcpus', NS, org('acme')).allow(VCPUS, 2000).build(),
    );
    await kubectlOk(plane.current, ['apply', '-f', '-'], policy);
    await kubectl(
      'wait',
      '--for=condition=Ready',
      '--timeout=60s',
      'claimcreationpolicy.quota.miloapis.com/vcpus-per-project',
    );
    await kubectl(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      '-n',
      NS,
      'resourcegrant.quota.miloapis.com/acme-vcpus',
    );
    await enforcementCovers(plane.current, ['projects']);
    await kubectlOk(plane.current, ['apply', '-f', '-'], projectManifest('first'));
  });

  it('a refused create: display units in the message, base-unit figures in details.causes', async () => {
    const refused = await plane.current.kubectl(['apply', '-f', '-'], { input: projectManifest('second') });
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /example\.com\/vcpus: requested 1500, limit 2000, allocated 1500, available 500 \(1\.5 vCPUs requested, 2 vCPUs limit, 1\.5 vCPUs allocated, 0\.5 vCPUs available\) \(consumer resourcemanager\.miloapis\.com\/Organization acme, policy vcpus-per-project\)/,
    );
    // the same create through the API, as a service would make it: the Status's causes come through
    const api = env.client.kubeConfig.makeApiClient(CustomObjectsApi);
    const error = await api
      .createClusterCustomObject({
        group: 'resourcemanager.miloapis.com',
        version: 'v1alpha1',
        plural: 'projects',
        body: {
          apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
          kind: 'Project',
          metadata: { name: 'second' },
          spec: { ownerRef: { kind: 'Organization', name: 'acme' } },
        },
      })
      .then(
        () => assert.fail('the second Project was admitted'),
        (e: unknown) => e,
      );
    assert.deepEqual(refusalFigures(error), [
      { claim: 0, resourceType: VCPUS, requested: 1500, limit: 2000, allocated: 1500, available: 500 },
    ]);
  });

  it("a denied claim: Milo's sentence then display units, in the allocation and the Event; the client reads base units", async () => {
    const claim = makeClaim('big', NS, org('acme')).request(VCPUS, 1000).for(project('big')).build();
    await env.client.create(RESOURCES.claims, claim);
    const message =
      'Resource quota exceeded: requested 1000, available 500 (1 vCPUs requested, 0.5 vCPUs available)';
    const decided = await eventually('claim big denied', async () => {
      const c = await env.client.get<ResourceClaim>(RESOURCES.claims, NS, 'big');
      return c.status?.allocations?.some((a) => a.status === 'Denied') ? c : undefined;
    });
    assert.equal(decided.status?.allocations?.[0]?.message, message);
    const decision = claimDecision(decided);
    assert.deepEqual(decision.outcome === 'denied' && decision.denials, [
      { resourceType: VCPUS, reason: 'QuotaExceeded', message, requested: 1000 },
    ]);
    const event = await eventually('the Warning Event on claim big', async () => {
      const list = await kubeRequest<{
        items: { reason: string; type: string; message: string; involvedObject: { name: string } }[];
      }>(env.client.kubeConfig, { method: 'GET', path: `/api/v1/namespaces/${NS}/events` });
      return list.items.find((e) => e.involvedObject.name === 'big' && e.reason === 'QuotaExceeded');
    });
    assert.equal(event.type, 'Warning');
    assert.equal(event.message, message);
  });
});
