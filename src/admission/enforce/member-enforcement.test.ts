import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MemberCluster, ResourceClaim } from '../../api/index.ts';
import type { AdmissionRequest } from '../../webhook/index.ts';
import { createRequest } from '../../webhook/testing.ts';
import {
  memberWebhookPath,
  PARENT_EXTRAS,
  placeMemberClaim,
  withContextExtras,
} from './member-enforcement.ts';

const request: AdmissionRequest = createRequest({
  kind: { group: '', version: 'v1', kind: 'Secret' },
  resource: { group: '', version: 'v1', resource: 'secrets' },
  namespace: 'default',
  name: 's1',
  object: { metadata: { name: 's1', namespace: 'default' } },
  userInfo: {
    username: 'alice',
    extra: {
      // what a member's apiserver might send: none of it may survive
      [PARENT_EXTRAS.name]: ['someone-else'],
      'resourcemanager.miloapis.com/organization-name': ['victim-org'],
      'example.com/kept': ['x'],
    },
  },
});
const ORG_LABEL = 'resourcemanager.miloapis.com/organization-name';
const PROJECT_LABEL = 'resourcemanager.miloapis.com/project-name';

describe('member enforcement', () => {
  it("gives templates the member's context as user extras, replacing what the member sent", () => {
    const project = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'p1' };
    const out = withContextExtras(request, project, { [PROJECT_LABEL]: 'p1', [ORG_LABEL]: 'acme' });
    assert.deepEqual(out.userInfo.extra, {
      'example.com/kept': ['x'],
      [PROJECT_LABEL]: ['p1'],
      [ORG_LABEL]: ['acme'],
      [PARENT_EXTRAS.apiGroup]: ['resourcemanager.miloapis.com'],
      [PARENT_EXTRAS.kind]: ['Project'],
      [PARENT_EXTRAS.name]: ['p1'],
    });
  });

  it('drops context keys the member has no value for, so a member cannot claim an organization', () => {
    const out = withContextExtras(request, undefined, { [PROJECT_LABEL]: 'p1', [ORG_LABEL]: undefined });
    assert.deepEqual(out.userInfo.extra, { 'example.com/kept': ['x'], [PROJECT_LABEL]: ['p1'] });
  });

  it("stores the claim in the member's claim namespace, labelled for the member-claims controller", () => {
    const cluster = { name: 'p1', claimNamespace: 'quota-member-p1' } as MemberCluster;
    const claim = {
      metadata: { name: 'c', namespace: 'default', labels: { a: 'b' } },
      spec: {},
    } as unknown as ResourceClaim;
    const placed = placeMemberClaim(cluster, claim, request);
    assert.equal(placed.metadata.namespace, 'quota-member-p1');
    assert.deepEqual(placed.metadata.labels, { a: 'b', 'quota.miloapis.com/member-cluster': 'p1' });
    assert.deepEqual(placed.metadata.annotations, { 'quota.miloapis.com/member-resource': 'v1/secrets' });
    assert.equal(memberWebhookPath('p1'), '/members/p1/enforce');
  });
});
