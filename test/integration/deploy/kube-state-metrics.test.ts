// kube-state-metrics (built from Go modules, tools/kube-state-metrics) run against a real control plane with
// config/prometheus/kube_state_metrics_config.yaml: Milo's resource-state families show a known registration,
// grant, bucket and claim with the right labels and values. Opt-in (the cold build is over 11 minutes): runs
// when KSM_BIN is set or the build is cached; `make test-ksm` builds it and runs this file.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { AllowanceBucket } from '../../../src/api/index.ts';
import { makeClaim, makeGrant, makeRegistration, org, project } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath } from '../../support/kube.ts';
import {
  cachedKubeStateMetrics,
  type RunningKubeStateMetrics,
  startKubeStateMetrics,
} from '../../support/kube-state-metrics.ts';
import { useOperator } from '../../support/operator.ts';
import { parseMetrics } from '../runtime/support.ts';

type Sample = ReturnType<typeof parseMetrics>[number];

const binary = await cachedKubeStateMetrics();
const skip = binary
  ? false
  : 'kube-state-metrics is not built: `make test-ksm` builds it (over 11 minutes cold) and runs this file';

describe('kube-state-metrics serves the quota objects as Milo resource-state families', { skip }, () => {
  const plane = useControlPlane();
  useOperator(plane);
  let ksm: RunningKubeStateMetrics | undefined;
  const apply = (obj: object) => kubectlOk(plane.current, ['apply', '-f', '-'], JSON.stringify(obj));
  const TYPE = 'resourcemanager.miloapis.com/projects';
  let bucketName = '';

  before(async () => {
    await apply(makeRegistration('projects-per-org', TYPE));
    await kubectlOk(plane.current, [
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      'resourceregistrations.quota.miloapis.com/projects-per-org',
    ]);
    await apply(makeGrant('acme-projects', 'quota-system', org('acme')).allow(TYPE, 5).build());
    await kubectlOk(plane.current, [
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      '-n',
      'quota-system',
      'resourcegrants.quota.miloapis.com/acme-projects',
    ]);
    await apply(
      makeClaim('acme-web', 'quota-system', org('acme')).request(TYPE, 2).for(project('web')).build(),
    );
    await kubectlOk(plane.current, [
      'wait',
      '--for=condition=Granted',
      '--timeout=60s',
      '-n',
      'quota-system',
      'resourceclaims.quota.miloapis.com/acme-web',
    ]);
    const bucket = await eventually('the bucket to show the claim', async () => {
      const out = await kubectlOk(plane.current, [
        'get',
        'allowancebuckets.quota.miloapis.com',
        '-n',
        'quota-system',
        '-o',
        'json',
      ]);
      const b = (JSON.parse(out) as { items: AllowanceBucket[] }).items.find(
        (x) => x.spec.resourceType === TYPE,
      );
      return b?.status?.allocated === 2 ? b : undefined;
    });
    bucketName = bucket.metadata.name ?? '';
    ksm = await startKubeStateMetrics(
      binary ?? '',
      plane.current.kubeconfigPath,
      repoPath('config/prometheus/kube_state_metrics_config.yaml'),
    );
  });
  plane.beforeStop(async () => {
    await ksm?.stop();
  });

  /** Polls the scrape until `name` has a sample with `labels` (a subset), and returns it. */
  const sample = (name: string, labels: Record<string, string>): Promise<Sample> =>
    eventually(`${name}${JSON.stringify(labels)} in the scrape`, async () => {
      const samples = parseMetrics((await ksm?.scrape()) ?? '');
      return samples.find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
    });

  it('bucket: limit 5, allocated 2, available 3, one claim and one grant, and its info labels', async () => {
    const at = { name: bucketName, namespace: 'quota-system', component: 'quota_system' };
    assert.equal((await sample('milo_quota_bucket_limit', at)).value, 5);
    assert.equal((await sample('milo_quota_bucket_allocated', at)).value, 2);
    assert.equal((await sample('milo_quota_bucket_available', at)).value, 3);
    assert.equal((await sample('milo_quota_bucket_claim_count', at)).value, 1);
    assert.equal((await sample('milo_quota_bucket_grant_count', at)).value, 1);
    const info = await sample('milo_quota_bucket_info', at);
    assert.equal(info.value, 1);
    assert.deepEqual(
      [
        info.labels.consumer_api_group,
        info.labels.consumer_kind,
        info.labels.consumer_name,
        info.labels.resource_type,
      ],
      ['resourcemanager.miloapis.com', 'Organization', 'acme', TYPE],
    );
    assert.equal(info.labels.customresource_kind, 'AllowanceBucket');
  });

  it('registration: Active=True as 1 (condition and type labels), Entity in its info', async () => {
    const active = await sample('milo_quota_registration_status_condition', {
      name: 'projects-per-org',
      type: 'Active',
      condition: 'Active',
      status: 'True',
    });
    assert.equal(active.value, 1);
    const info = await sample('milo_quota_registration_info', { name: 'projects-per-org' });
    assert.deepEqual(
      [info.labels.resource_type, info.labels.registration_type, info.labels.consumer_kind],
      [TYPE, 'Entity', 'Organization'],
    );
  });

  it('grant: Active=True as 1; claim: Granted=True as 1, its consumer and triggering resource', async () => {
    const grant = await sample('milo_quota_grant_status_condition', {
      name: 'acme-projects',
      namespace: 'quota-system',
      type: 'Active',
    });
    assert.deepEqual([grant.labels.status, grant.value], ['True', 1]);
    const granted = await sample('milo_quota_claim_status_condition', {
      name: 'acme-web',
      namespace: 'quota-system',
      type: 'Granted',
    });
    assert.deepEqual([granted.labels.status, granted.value], ['True', 1]);
    const info = await sample('milo_quota_claim_info', { name: 'acme-web' });
    assert.deepEqual(
      [info.labels.consumer_name, info.labels.triggering_resource_kind, info.labels.triggering_resource_name],
      ['acme', 'Project', 'web'],
    );
  });

  it('follows a change: a second claim of 3 makes the bucket allocated 5, available 0', async () => {
    await apply(
      makeClaim('acme-api', 'quota-system', org('acme')).request(TYPE, 3).for(project('api')).build(),
    );
    await eventually('allocated 5 and available 0 in the scrape', async () => {
      const samples = parseMetrics((await ksm?.scrape()) ?? '');
      const get = (n: string) => samples.find((s) => s.name === n && s.labels.name === bucketName)?.value;
      return get('milo_quota_bucket_allocated') === 5 && get('milo_quota_bucket_available') === 0;
    });
  });
});
