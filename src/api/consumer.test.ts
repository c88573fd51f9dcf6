import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consumerMatchesType, groupKindString, isClaimingResource } from './consumer.ts';
import { gvkLabelValue, isGitOpsTrackingKey } from './labels.ts';

describe('consumer references', () => {
  it('matches consumer types exactly', () => {
    const type = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization' };
    assert.equal(consumerMatchesType({ ...type, name: 'x' }, type), true);
    assert.equal(consumerMatchesType({ kind: 'Organization', name: 'x' }, type), false);
    assert.equal(consumerMatchesType({ ...type, kind: 'organization', name: 'x' }, type), false);
  });

  it("applies Milo's claiming rule: exact group, case-insensitive kind", () => {
    const list = [{ kind: 'Secret' }, { apiGroup: 'apps', kind: 'Deployment' }];
    assert.equal(isClaimingResource(list, { kind: 'secret', name: 'x' }), true);
    assert.equal(isClaimingResource(list, { apiGroup: '', kind: 'Secret', name: 'x' }), true);
    assert.equal(isClaimingResource(list, { apiGroup: 'apps', kind: 'StatefulSet', name: 'x' }), false);
    assert.equal(isClaimingResource(list, { apiGroup: 'extensions', kind: 'Deployment', name: 'x' }), false);
    assert.equal(groupKindString(undefined, 'Secret'), 'core/Secret');
  });
});

describe('labels', () => {
  it("formats Milo's gvk label", () => {
    assert.equal(gvkLabelValue('', 'v1', 'Secret'), 'core.v1.Secret');
    assert.equal(
      gvkLabelValue('resourcemanager.miloapis.com', 'v1alpha1', 'Project'),
      'resourcemanager.miloapis.com.v1alpha1.Project',
    );
  });

  it('recognises GitOps tracking keys', () => {
    assert.equal(isGitOpsTrackingKey('app.kubernetes.io/instance'), true);
    assert.equal(isGitOpsTrackingKey('argocd.argoproj.io/tracking-id'), true);
    assert.equal(isGitOpsTrackingKey('app.kubernetes.io/name'), false);
  });
});
