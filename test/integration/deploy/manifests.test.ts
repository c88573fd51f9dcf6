// What `kubectl kustomize config/default` renders, checked without a cluster: sync waves, the hardened
// two-replica Deployment, the webhook Service and PDB, RBAC shape, and no GitOps tracking metadata; the shipped
// webhook configurations, no cluster-wide create on them, and the authenticated metrics' RBAC and Service.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { kustomizeBuild } from '../../../scripts/gen-helm-chart.ts';
import { parseOperatorOptions } from '../../../src/operator/options.ts';
import { caBundleProblem } from '../../../src/webhook/index.ts';
import { repoPath } from '../../support/kube.ts';
import { kustomize, type Manifest } from './support.ts';

let objects: Manifest[] = [];
const one = (kind: string, name?: string): Record<string, unknown> & Manifest => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length, 1, `expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0] as Record<string, unknown> & Manifest;
};
const wave = (o: Manifest) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'];

interface Container {
  name: string;
  args: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes: { name: string; emptyDir?: object; configMap?: { name: string } }[];
}

describe('config/default', () => {
  before(async () => {
    objects = await kustomize('config/default');
  });

  it('holds the CRDs, RBAC, Deployment, Services and PDB, all in quota-system', () => {
    const kinds = objects.map((o) => o.kind).sort();
    for (const kind of ['CustomResourceDefinition', 'Namespace', 'ServiceAccount', 'Deployment', 'Service']) {
      assert.ok(kinds.includes(kind), `no ${kind}`);
    }
    assert.equal(objects.filter((o) => o.kind === 'CustomResourceDefinition').length, 6);
    const namespaced = [
      'ServiceAccount',
      'Role',
      'RoleBinding',
      'Deployment',
      'Service',
      'PodDisruptionBudget',
    ];
    for (const o of objects.filter((x) => namespaced.includes(x.kind))) {
      assert.equal(o.metadata.namespace, 'quota-system', `${o.kind} ${o.metadata.name}`);
    }
    assert.equal(one('Namespace').metadata.name, 'quota-system');
  });

  it('puts CRDs in sync wave -2 and everything else of the operator in -1', () => {
    for (const o of objects) {
      const expected = o.kind === 'CustomResourceDefinition' ? '-2' : '-1';
      assert.equal(wave(o), expected, `${o.kind} ${o.metadata.name}`);
    }
  });

  it('carries no GitOps tracking metadata (Argo CD adds its own)', () => {
    for (const o of objects) {
      const keys = [...Object.keys(o.metadata.labels ?? {}), ...Object.keys(o.metadata.annotations ?? {})];
      const tracking = keys.filter(
        (k) =>
          k === 'app.kubernetes.io/instance' ||
          k === 'kubectl.kubernetes.io/last-applied-configuration' ||
          (k.startsWith('argocd.argoproj.io/') && k !== 'argocd.argoproj.io/sync-wave'),
      );
      assert.deepEqual(tracking, [], `${o.kind} ${o.metadata.name}`);
    }
  });

  it('runs two hardened replicas with probes, resources and the downward-API namespace', () => {
    const deployment = one('Deployment', 'milo-quota-operator') as Manifest & {
      spec: { replicas: number; template: { spec: PodSpec } };
    };
    assert.equal(deployment.spec.replicas, 2);
    const pod = deployment.spec.template.spec;
    assert.equal(pod.serviceAccountName, one('ServiceAccount').metadata.name);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
    const [c] = pod.containers;
    assert.ok(c);
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    const port = (name: string) => c.ports.find((p) => p.name === name)?.containerPort;
    assert.equal(port('webhook'), 9443);
    assert.equal(port('metrics'), 8443);
    assert.equal(port('probes'), 8081);
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'probes' });
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'probes' });
    assert.ok(c.resources.requests?.cpu && c.resources.requests.memory && c.resources.limits?.memory);
    const podNamespace = c.env.find((e) => e.name === 'POD_NAMESPACE');
    assert.equal(podNamespace?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace');
    const tmp = c.volumeMounts.find((m) => m.mountPath === '/tmp');
    assert.ok(tmp && pod.volumes.find((v) => v.name === tmp.name)?.emptyDir, 'an emptyDir on /tmp');
    for (const flag of [
      '--leader-elect=true',
      '--probe-port=8081',
      '--metrics-port=8443',
      '--metrics-secure=true',
      '--webhook-port=9443',
    ]) {
      assert.ok(c.args.includes(flag), `args lack ${flag}`);
    }
  });

  it('runs as the Dockerfile USER', () => {
    const deployment = one('Deployment') as Manifest & { spec: { template: { spec: PodSpec } } };
    const user = /^USER (\d+):(\d+)$/m.exec(readFileSync(repoPath('Dockerfile'), 'utf8'));
    assert.ok(user, 'the Dockerfile has a numeric USER');
    const ctx = deployment.spec.template.spec.securityContext;
    assert.equal(ctx.runAsUser, Number(user[1]));
    assert.equal(ctx.runAsGroup, Number(user[2]));
  });

  it('fronts the webhook with a Service 443 → 9443 and keeps one pod through disruptions', () => {
    const deployment = one('Deployment') as Manifest & {
      spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: object } } };
    };
    const service = one('Service', 'milo-quota-webhook') as Manifest & {
      spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
    };
    assert.deepEqual(
      service.spec.ports.map((p) => [p.port, p.targetPort]),
      [[443, 'webhook']],
    );
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(podLabels[k as keyof object], v);
    const pdb = one('PodDisruptionBudget') as Manifest & {
      spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } };
    };
    assert.equal(pdb.spec.minAvailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
  });

  it('binds the ServiceAccount to an aggregated ClusterRole and a namespaced Role', () => {
    const role = one('ClusterRole', 'milo-quota-operator') as Manifest & {
      aggregationRule: { clusterRoleSelectors: { matchLabels: Record<string, string> }[] };
    };
    const selector = role.aggregationRule.clusterRoleSelectors[0]?.matchLabels;
    assert.deepEqual(selector, { 'quota.miloapis.com/aggregate-to-operator': 'true' });
    assert.equal('rules' in role, false, 'rules belong to the aggregation controller');
    assert.equal(
      one('ClusterRole', 'milo-quota-operator-base').metadata.labels?.[Object.keys(selector)[0] ?? ''],
      'true',
    );
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      const binding = one(kind, 'milo-quota-operator') as Manifest & {
        subjects: { kind: string; name: string; namespace: string }[];
      };
      assert.deepEqual(binding.subjects, [
        { kind: 'ServiceAccount', name: 'milo-quota-operator', namespace: 'quota-system' },
      ]);
    }
  });

  it('aggregates read access into view, claims into edit, registrations and policies into admin', () => {
    const label = (name: string, key: string) => one('ClusterRole', name).metadata.labels?.[key];
    assert.equal(label('milo-quota-viewer', 'rbac.authorization.k8s.io/aggregate-to-view'), 'true');
    assert.equal(label('milo-quota-editor', 'rbac.authorization.k8s.io/aggregate-to-edit'), 'true');
    assert.equal(label('milo-quota-admin', 'rbac.authorization.k8s.io/aggregate-to-admin'), 'true');
    // nobody but the operator writes buckets, and no aggregated role raises quota (grants)
    for (const o of objects.filter(
      (x) => x.kind === 'ClusterRole' && x.metadata.name !== 'milo-quota-operator-base',
    )) {
      const rules = (o as { rules?: { resources: string[]; verbs: string[] }[] }).rules ?? [];
      const aggregated = Object.keys(o.metadata.labels ?? {}).some((k) =>
        k.startsWith('rbac.authorization.k8s.io/'),
      );
      for (const rule of rules) {
        const writes = rule.verbs.some((v) => v !== 'get' && v !== 'list' && v !== 'watch');
        if (writes)
          assert.ok(!rule.resources.includes('allowancebuckets'), `${o.metadata.name} writes buckets`);
        if (writes && aggregated) assert.ok(!rule.resources.includes('resourcegrants'), `${o.metadata.name}`);
      }
    }
  });

  it("spells out Milo's viewer, manager and admin as exactly the union of our roles of the same meaning", () => {
    // Not aggregated: the aggregation controller's apply re-creates a role deleted with its sources.
    const grants = (...names: string[]) => {
      const pairs = new Set<string>();
      for (const name of names) {
        const role = one('ClusterRole', name) as Manifest & { aggregationRule?: unknown; rules?: Rule[] };
        assert.equal(role.aggregationRule, undefined, `${name} is aggregated`);
        for (const rule of role.rules ?? [])
          for (const group of rule.apiGroups ?? [])
            for (const resource of rule.resources ?? [])
              for (const verb of rule.verbs) pairs.add(`${group}/${resource}:${verb}`);
      }
      return [...pairs].sort();
    };
    const viewer = ['milo-quota-viewer'];
    const manager = [...viewer, 'milo-quota-editor', 'milo-quota-grant-editor'];
    assert.deepEqual(grants('quota.miloapis.com-viewer'), grants(...viewer));
    assert.deepEqual(grants('quota.miloapis.com-manager'), grants(...manager));
    assert.deepEqual(grants('quota.miloapis.com-admin'), grants(...manager, 'milo-quota-admin'));
  });
});

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}
const rulesOf = (o: Manifest) => (o as { rules?: Rule[] }).rules ?? [];
const covers = (list: string[] | undefined, value: string) =>
  (list ?? []).some((x) => x === value || x === '*');

describe('config/default: least privilege for webhook configurations and metrics', () => {
  before(async () => {
    objects = await kustomize('config/default');
  });

  it('ships both webhook configurations, pointing at the webhook Service, without what the operator owns', () => {
    const service = one('Service', 'milo-quota-webhook');
    for (const name of ['milo-quota-validation', 'milo-quota-enforcement']) {
      const config = one('ValidatingWebhookConfiguration', name) as Manifest & {
        webhooks: { name: string; rules?: unknown[]; clientConfig: Record<string, unknown> }[];
      };
      assert.ok(config.webhooks.length > 0, name);
      for (const webhook of config.webhooks) {
        assert.deepEqual(
          Object.keys(webhook.clientConfig),
          ['service'],
          `${webhook.name}: no caBundle, no url`,
        );
        assert.deepEqual(
          { ...(webhook.clientConfig.service as object), path: undefined },
          { namespace: service.metadata.namespace, name: service.metadata.name, path: undefined, port: 443 },
        );
        assert.equal(webhook.rules === undefined, name === 'milo-quota-enforcement', `${webhook.name} rules`);
      }
    }
  });

  it('no shipped ClusterRole grants create on validatingwebhookconfigurations; the operator gets them by name', () => {
    const clusterRoles = objects.filter((o) => o.kind === 'ClusterRole');
    assert.ok(clusterRoles.length >= 6);
    for (const role of clusterRoles) {
      for (const rule of rulesOf(role)) {
        const webhookConfigs =
          covers(rule.apiGroups, 'admissionregistration.k8s.io') &&
          covers(rule.resources, 'validatingwebhookconfigurations');
        if (!webhookConfigs) continue;
        assert.ok(!covers(rule.verbs, 'create'), `${role.metadata.name} grants create`);
        assert.deepEqual(rule.resourceNames?.sort(), ['milo-quota-enforcement', 'milo-quota-validation']);
      }
    }
  });

  it('reviews tokens and access for /metrics, and ships the reader role and the HTTPS metrics Service', () => {
    const base = rulesOf(one('ClusterRole', 'milo-quota-operator-base'));
    for (const [group, resource] of [
      ['authentication.k8s.io', 'tokenreviews'],
      ['authorization.k8s.io', 'subjectaccessreviews'],
    ] as const) {
      assert.ok(
        base.some(
          (r) =>
            r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes('create'),
        ),
        resource,
      );
    }
    assert.deepEqual(rulesOf(one('ClusterRole', 'milo-quota-metrics-reader')), [
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]);
    const service = one('Service', 'milo-quota-metrics') as Manifest & {
      spec: { ports: { name: string; port: number; targetPort: string }[] };
    };
    assert.deepEqual(
      service.spec.ports.map((p) => [p.name, p.port, p.targetPort]),
      [['https', 8443, 'metrics']],
    );
  });
});

describe('sync waves of the samples', () => {
  it('registrations 0, then policies and grants 1, then claims 2', async () => {
    const expected: Record<string, string> = {
      ResourceRegistration: '0',
      GrantCreationPolicy: '1',
      ClaimCreationPolicy: '1',
      ResourceGrant: '1',
      ResourceClaim: '2',
    };
    const samples = await kustomize('config/samples');
    assert.ok(samples.length >= 5);
    for (const o of samples) assert.equal(wave(o), expected[o.kind], `${o.kind} ${o.metadata.name}`);
  });

  it('the webhook cert-manager component renders (Issuer, Certificate, mounted Secret)', async () => {
    const objects = await kustomize('config/webhook/cert-manager');
    assert.deepEqual(objects.map((o) => o.kind).sort(), ['Certificate', 'Certificate', 'Issuer', 'Issuer']);
  });
});

describe('the security Components (config/webhook/client-auth, config/network-policy)', () => {
  const MOUNT = '/var/run/milo-quota/webhook-client-ca';
  let secured: Manifest[] = [];
  const find = (list: Manifest[], kind: string) => list.filter((o) => o.kind === kind);
  const pod = (list: Manifest[]) =>
    (
      find(list, 'Deployment')[0] as Manifest & {
        spec: { template: { metadata: { labels: object }; spec: PodSpec } };
      }
    ).spec.template;
  before(async () => {
    secured = await kustomize('test/integration/deploy/fixtures/secured');
  });

  it('leaves config/default open (the apiserver must be set up first) and without a NetworkPolicy', async () => {
    const defaults = await kustomize('config/default');
    const args = pod(defaults).spec.containers[0]?.args ?? [];
    assert.ok(!args.some((a) => a.startsWith('--webhook-client-ca-file')));
    assert.deepEqual(find(defaults, 'NetworkPolicy'), []);
  });

  it('client-auth mounts the CA ConfigMap and passes --webhook-client-ca-file, which the operator accepts', () => {
    const template = pod(secured);
    const [c] = template.spec.containers;
    assert.ok(c);
    assert.ok(c.args.includes(`--webhook-client-ca-file=${MOUNT}/ca.crt`), c.args.join(' '));
    const mount = c.volumeMounts.find((m) => m.mountPath === MOUNT);
    const volume = template.spec.volumes.find((v) => v.name === mount?.name);
    assert.equal(volume?.configMap?.name, 'milo-quota-webhook-client-ca');
    const configMap = find(secured, 'ConfigMap').find(
      (o) => o.metadata.name === 'milo-quota-webhook-client-ca',
    );
    const pem =
      (configMap as (Manifest & { data: Record<string, string> }) | undefined)?.data['ca.crt'] ?? '';
    assert.equal(caBundleProblem(pem), undefined);
    // the rendered args, with the mounted file where the kubelet would put it
    const fixture = repoPath('test/integration/deploy/fixtures/secured/webhook-client-ca.crt');
    const options = parseOperatorOptions(
      c.args.map((a) => a.replace(`${MOUNT}/ca.crt`, fixture)),
      {},
    );
    assert.equal(options.webhook === false ? undefined : options.webhook.clientCaFile, fixture);
  });

  it('network-policy admits the webhook port from the apiserver CIDR and metrics from monitoring only', () => {
    const [policy, ...others] = find(secured, 'NetworkPolicy') as (Manifest & {
      spec: {
        podSelector: { matchLabels: Record<string, string> };
        policyTypes: string[];
        ingress: { from: Record<string, unknown>[]; ports: { port: string }[] }[];
      };
    })[];
    assert.ok(policy);
    assert.deepEqual(others, []);
    assert.equal(policy.metadata.namespace, 'quota-system');
    assert.equal(wave(policy), '-1');
    const template = pod(secured);
    for (const [k, v] of Object.entries(policy.spec.podSelector.matchLabels)) {
      assert.equal(template.metadata.labels[k as keyof object], v, 'the policy selects the operator pods');
    }
    assert.deepEqual(policy.spec.policyTypes, ['Ingress']);
    const rules = policy.spec.ingress.map((r) => [r.ports.map((p) => p.port), r.from]);
    assert.deepEqual(rules, [
      [['webhook'], [{ ipBlock: { cidr: '192.0.2.0/24' } }]],
      [
        ['metrics'],
        [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ],
    ]);
    const ports = template.spec.containers[0]?.ports.map((p) => p.name) ?? [];
    for (const [named] of rules) for (const port of named as string[]) assert.ok(ports.includes(port), port);
  });
});

describe('config/components/member-clusters: the member registry, least privilege', () => {
  it('adds --parent-context=members and a Role on Secrets in the operator namespace only: read and patch', async () => {
    const built = await kustomizeBuild(['config/components/member-clusters']);
    const base = await kustomize('config/default');
    const added = built.filter(
      (o) => !base.some((b) => b.kind === o.kind && b.metadata.name === o.metadata.name),
    );
    assert.deepEqual(added.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort(), [
      'Role/quota-system/milo-quota-operator-members',
      'RoleBinding/quota-system/milo-quota-operator-members',
    ]);
    const role = added.find((o) => o.kind === 'Role') as Manifest;
    assert.deepEqual(rulesOf(role), [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'patch'] },
    ]);
    const binding = added.find((o) => o.kind === 'RoleBinding') as Manifest & {
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    };
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: role.metadata.name,
    });
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: 'milo-quota-operator', namespace: 'quota-system' },
    ]);
    // nothing cluster-wide reads Secrets, with or without the Component
    for (const o of built.filter((x) => x.kind === 'ClusterRole'))
      for (const rule of rulesOf(o))
        assert.ok(
          !(covers(rule.apiGroups, '') && covers(rule.resources, 'secrets')),
          `${o.metadata.name} on secrets`,
        );
    const deployment = built.find((o) => o.kind === 'Deployment') as Manifest & {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    const args = deployment.spec.template.spec.containers[0]?.args ?? [];
    assert.ok(args.includes('--parent-context=members'), args.join(' '));
    assert.equal(parseOperatorOptions(args, {}).parentContext, 'members');
  });
});
