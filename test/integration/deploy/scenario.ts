// The operator's end-to-end scenario on an installed deployment, shared by every way of installing it
// (kustomize: service-account.test.ts; Helm: helm.test.ts). Given a control plane on which an install has put
// the CRDs, RBAC, Deployment, Services and webhook configurations in namespace quota-system (and the
// resourcemanager demo kinds and config/rbac/demo), it runs the operator as a separate process with a token of
// its ServiceAccount (webhooks in local url mode, secure metrics), applies the samples as Argo CD would (with
// tracking metadata), and checks that
// - the operator gets the least-privilege role, and no more;
// - the scenario works end to end (registrations, grants, claims, an over-quota Project refused);
// - kstatus (cli-utils) says Current once reconciled and InProgress for a generation it has not observed;
// - /metrics is served only to a token bound to milo-quota-metrics-reader;
// - generated grants, claims and buckets carry no tracking metadata, and the operator writes no spec,
//   labels or annotations of the objects from Git;
// - `kubectl diff` of the applied samples and of the install itself is empty after reconciliation;
// - a standby replica takes over; no replica's log has a 403 from the apiserver (and, as a negative control,
//   one does once a rule goes).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { ControlPlane } from '../../../src/envtest/index.ts';
import { type ControlPlaneHandle, eventually } from '../../support/cluster.ts';
import { kubectlFails, kubectlOk, repoPath } from '../../support/kube.ts';
import { scrapeSecureMetrics } from '../../support/metrics.ts';
import {
  getJson,
  isReconciled,
  type KubeItem,
  managedByOperator,
  organizationYaml,
  projectYaml,
  SAMPLE_KINDS,
  trackingKeys,
} from './objects.ts';
import {
  forbiddenLines,
  type KstatusLine,
  kstatus,
  type Manifest,
  OPERATOR_NS,
  OPERATOR_USER,
  OperatorUnderTest,
  serviceAccountKubeconfig,
} from './support.ts';

const TRACKED_SAMPLES = 'test/integration/deploy/fixtures/tracked-samples';
const TRACKED_TENANTS = 'test/integration/deploy/fixtures/tracked-tenants';

/** What the scenario needs to know of the way the operator was installed. */
export interface Install {
  /** For test names: `config/default`, `the Helm release`. */
  readonly name: string;
  /** The objects the install applied (compared with the cluster by `kubectl diff`). */
  manifests(): Promise<Manifest[]>;
  /** Removes the shipped webhook configurations (the samples then go in before any operator serves). */
  removeWebhookConfigurations(plane: ControlPlane): Promise<void>;
  /** Puts them back as the install ships them. */
  restoreWebhookConfigurations(plane: ControlPlane): Promise<void>;
}

/**
 * Registers the scenario's tests in the calling `describe`: `main()` the end-to-end part, `failover()` the
 * standby, the 403 check and its negative control (it breaks the operator's role: register it last).
 */
export function operatorScenario(plane: ControlPlaneHandle, install: Install) {
  let operator: OperatorUnderTest | undefined;
  const everyOperator: OperatorUnderTest[] = [];
  let beforeOperator: KstatusLine[] = [];
  let starts = 0;

  async function startOperator(): Promise<OperatorUnderTest> {
    const cp = plane.current;
    const kubeconfig = await serviceAccountKubeconfig(cp);
    const args = [
      '--leader-elect=true',
      '--metrics-port=0',
      '--metrics-secure=true',
      '--probe-port=0',
      '--webhook-url-host=127.0.0.1',
      '--webhook-port=0',
      `--webhook-client-ca-file=${cp.webhookClientCaFile}`,
      '--log-level=info',
    ];
    const started = new OperatorUnderTest(kubeconfig, args, join(cp.dir, `operator-sa-${starts++}.log`));
    everyOperator.push(started);
    // serving: the quota-kind webhook configuration carries the CA bundle of the self-managed certificate
    await eventually(
      'the operator applied its webhook configuration',
      async () => {
        const out = await cp.kubectl([
          'get',
          'validatingwebhookconfiguration',
          'milo-quota-validation',
          '-o',
          'json',
        ]);
        return out.code === 0 && (JSON.parse(out.stdout) as KubeItem).webhooks?.[0]?.clientConfig?.caBundle;
      },
      60_000,
    );
    return started;
  }

  async function can(verb: string, resource: string, namespace?: string): Promise<boolean> {
    const where = namespace === undefined ? [] : ['-n', namespace];
    const out = await plane.current.kubectl([
      'auth',
      'can-i',
      verb,
      resource,
      ...where,
      `--as=${OPERATOR_USER}`,
    ]);
    return out.stdout.trim() === 'yes';
  }

  return {
    /** `kubectl auth can-i <verb> <resource>` as the operator's ServiceAccount. */
    can,
    /** The replica running now (the scenario starts it). */
    get operator(): OperatorUnderTest | undefined {
      return operator;
    },
    main(): void {
      after(async () => {
        await Promise.all(everyOperator.map((o) => o.stop()));
      });

      it('the least-privilege role is what the operator gets (and no more)', async () => {
        assert.equal(await can('create', 'resourcegrants.quota.miloapis.com'), true);
        assert.equal(await can('create', 'secrets', OPERATOR_NS), true);
        assert.equal(await can('get', 'secrets/milo-quota-webhook-tls', OPERATOR_NS), true);
        assert.equal(await can('get', 'secrets/other', OPERATOR_NS), false, 'no secret beyond its own');
        assert.equal(await can('create', 'secrets', 'default'), false, 'secrets only in its namespace');
        assert.equal(
          await can('update', 'organizations.resourcemanager.miloapis.com'),
          false,
          'never writes triggers',
        );
        assert.equal(await can('update', 'validatingwebhookconfigurations/other'), false);
        // the configurations are shipped: the operator patches its two by name and may create none
        assert.equal(await can('create', 'validatingwebhookconfigurations'), false, 'no cluster-wide create');
        for (const name of ['milo-quota-validation', 'milo-quota-enforcement']) {
          assert.equal(await can('patch', `validatingwebhookconfigurations/${name}`), true, name);
        }
        // --metrics-secure reviews scrapers' tokens
        assert.equal(await can('create', 'tokenreviews.authentication.k8s.io'), true);
        assert.equal(await can('create', 'subjectaccessreviews.authorization.k8s.io'), true);
      });

      it('kstatus: Current once the operator has reconciled every sample', async () => {
        const cp = plane.current;
        // the shipped configurations fail closed: no quota write passes before an operator serves them
        const refused = await cp.kubectl(['apply', '-k', repoPath(TRACKED_SAMPLES)]);
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /failed calling webhook "[a-z]+\.validate\.quota\.miloapis\.com"/);
        // what kstatus makes of the samples before any operator has looked at them (configurations set aside;
        // the samples go again once the operator serves, as Argo CD's waves order them: a claim older than its
        // start-up window, 10 s, when the operator first decides may be denied)
        await install.removeWebhookConfigurations(cp);
        await kubectlOk(cp, ['apply', '-k', repoPath(TRACKED_SAMPLES)]);
        beforeOperator = await kstatus(
          await kubectlOk(cp, ['get', '-k', repoPath(TRACKED_SAMPLES), '-o', 'json']),
        );
        await kubectlOk(cp, ['delete', '--wait=true', '-k', repoPath(TRACKED_SAMPLES)]);
        await install.restoreWebhookConfigurations(cp);
        operator = await startOperator();
        // a claim is refused until its registration is Active: retried, as Argo CD retries a wave
        await eventually('the samples apply', async () => {
          return (await cp.kubectl(['apply', '-k', repoPath(TRACKED_SAMPLES)])).code === 0;
        });
        await kubectlOk(cp, ['apply', '-k', repoPath(TRACKED_TENANTS)]);
        let last: KubeItem[] = [];
        const reconciled = await eventually(
          'every sample decided (Active, Ready or Granted) at its current generation',
          async () => {
            const list = await getJson(cp, ['-k', repoPath(TRACKED_SAMPLES)]);
            last = (list.items ?? []).filter((o) => !isReconciled(o));
            return last.length === 0 && list;
          },
          60_000,
        ).catch((error: Error) => {
          const pending = last.map((o) => `${o.kind} ${o.metadata.name}: ${JSON.stringify(o.status)}`);
          throw new Error(`${error.message}; not reconciled:\n${pending.join('\n')}`);
        });
        const lines = await kstatus(JSON.stringify(reconciled));
        assert.deepEqual(lines.map((l) => l.kind).sort(), [...SAMPLE_KINDS].sort());
        for (const line of lines)
          assert.equal(line.status, 'Current', `${line.kind} ${line.name}: ${line.message}`);
      });

      it('kstatus: InProgress before the operator has reconciled (status defaults to observedGeneration 0)', () => {
        assert.equal(beforeOperator.length, SAMPLE_KINDS.length);
        for (const line of beforeOperator) {
          assert.equal(line.status, 'InProgress', `${line.kind} ${line.name}: ${line.message}`);
        }
      });

      it('kstatus: a generation the operator has not observed is InProgress', async () => {
        const cp = plane.current;
        const list = JSON.parse(
          await kubectlOk(cp, ['get', '-k', repoPath(TRACKED_SAMPLES), '-o', 'json']),
        ) as {
          items: KubeItem[];
        };
        for (const item of list.items) item.metadata.generation = (item.metadata.generation ?? 1) + 1;
        const lines = await kstatus(JSON.stringify(list));
        assert.equal(lines.length, SAMPLE_KINDS.length);
        for (const line of lines)
          assert.equal(line.status, 'InProgress', `${line.kind} ${line.name}: ${line.message}`);
      });

      it('end to end: policy grants for Organizations, claims Granted, a Project over quota refused', async () => {
        const cp = plane.current;
        const grant = await eventually('personal-tier-alice is Active', async () => {
          const g = await getJson(cp, [
            'resourcegrants.quota.miloapis.com',
            '-n',
            OPERATOR_NS,
            'personal-tier-alice',
          ]).catch(() => undefined);
          return g?.status?.conditions?.find((c) => c.type === 'Active')?.status === 'True' && g;
        });
        assert.ok(grant);
        await kubectlOk(cp, ['create', '-f', '-'], projectYaml('alice-1', 'alice'));
        await kubectlOk(cp, ['create', '-f', '-'], projectYaml('alice-2', 'alice'));
        const refused = await kubectlFails(cp, ['create', '-f', '-'], projectYaml('alice-3', 'alice'));
        assert.match(refused, /Insufficient quota resources available/);
        assert.match(refused, /resourcemanager\.miloapis\.com\/projects/);
      });

      it('serves /metrics, as its ServiceAccount, to a token bound to milo-quota-metrics-reader only', async () => {
        const cp = plane.current;
        const serving = operator
          ?.log()
          .split('\n')
          .map((line) => /"metricsPort":(\d+)/.exec(line)?.[1])
          .find((port) => port !== undefined);
        assert.ok(serving, 'the operator logged its metrics port');
        await kubectlOk(cp, ['create', 'serviceaccount', 'prometheus', '-n', 'default']);
        const token = (await kubectlOk(cp, ['create', 'token', 'prometheus', '-n', 'default'])).trim();
        assert.equal((await scrapeSecureMetrics(Number(serving), token)).status, 403);
        await kubectlOk(cp, [
          'create',
          'clusterrolebinding',
          'prometheus-metrics',
          '--clusterrole=milo-quota-metrics-reader',
          '--serviceaccount=default:prometheus',
        ]);
        // the 403 is cached for up to 10 s
        const answer = await eventually('the bound token is let through', async () => {
          const scraped = await scrapeSecureMetrics(Number(serving), token);
          return scraped.status === 200 && scraped;
        });
        assert.match(answer.body, /controller_runtime_reconcile_total/);
      });

      it('generated grants, claims and buckets carry no tracking metadata', async () => {
        const cp = plane.current;
        const generated = [
          ...((
            await getJson(cp, ['resourcegrants.quota.miloapis.com', '-A', '-l', 'quota.miloapis.com/policy'])
          ).items ?? []),
          ...((
            await getJson(cp, [
              'resourceclaims.quota.miloapis.com',
              '-A',
              '-l',
              'quota.miloapis.com/auto-created=true',
            ])
          ).items ?? []),
          ...((await getJson(cp, ['allowancebuckets.quota.miloapis.com', '-A'])).items ?? []),
        ];
        const kinds = new Set(generated.map((o) => o.kind));
        assert.deepEqual([...kinds].sort(), ['AllowanceBucket', 'ResourceClaim', 'ResourceGrant']);
        for (const o of generated) assert.deepEqual(trackingKeys(o), [], `${o.kind} ${o.metadata.name}`);
      });

      it('writes no spec, labels or annotations of objects from Git (only status, and claim ownerReferences)', async () => {
        const cp = plane.current;
        const fromGit = [
          ...((await getJson(cp, ['-k', repoPath(TRACKED_SAMPLES)])).items ?? []),
          ...((await getJson(cp, ['-k', repoPath(TRACKED_TENANTS)])).items ?? []),
        ];
        assert.equal(fromGit.length, SAMPLE_KINDS.length + 3); // + the tenant examples
        for (const o of fromGit) {
          assert.deepEqual(
            managedByOperator(o),
            [],
            `${o.kind} ${o.metadata.name}: the operator owns non-status fields`,
          );
          assert.ok(trackingKeys(o).length > 0, `${o.kind} ${o.metadata.name} keeps its tracking metadata`);
        }
      });

      it(`kubectl diff of the applied samples (and of ${install.name}) is empty after reconciliation`, async () => {
        const cp = plane.current;
        for (const dir of [TRACKED_SAMPLES, TRACKED_TENANTS]) {
          const diff = await cp.kubectl(['diff', '-k', repoPath(dir)]);
          assert.equal(diff.code, 0, `kubectl diff -k ${dir}:\n${diff.stdout}${diff.stderr}`);
        }
        // the plain samples, re-applied without tracking metadata (kubectl removes it), diff clean too
        await kubectlOk(cp, ['apply', '-k', repoPath('config/samples')]);
        await eventually('config/samples reconciled', async () => {
          const lines = await kstatus(
            await kubectlOk(cp, ['get', '-k', repoPath('config/samples'), '-o', 'json']),
          );
          return lines.every((l) => l.status === 'Current');
        });
        const diff = await cp.kubectl(['diff', '-k', repoPath('config/samples')]);
        assert.equal(diff.code, 0, `kubectl diff -k config/samples:\n${diff.stdout}${diff.stderr}`);
        // the install itself (what it applied): the aggregated role's rules, filled in by Kubernetes, are no drift. The webhook
        // configurations are left out here: in url mode the operator points them at its URL on purpose
        // (webhook-ownership.test.ts shows they do not drift in the cluster's service mode).
        const installed = (await install.manifests()).filter(
          (o) => o.kind !== 'ValidatingWebhookConfiguration',
        );
        const diffInstall = await cp.kubectl(['diff', '-f', '-'], {
          input: installed.map((o) => JSON.stringify(o)).join('\n'),
        });
        assert.equal(
          diffInstall.code,
          0,
          `kubectl diff of ${install.name}:\n${diffInstall.stdout}${diffInstall.stderr}`,
        );
      });
    },
    failover(): void {
      it('a second replica stands by, then leads when the first stops', async () => {
        const cp = plane.current;
        const standby = await startOperator();
        await eventually('the standby synced its caches and campaigns', () => {
          const log = standby.log();
          return log.includes('caches synced') && log.includes('campaigning for leadership');
        });
        await operator?.stop(); // SIGTERM releases the Lease
        operator = standby;
        await eventually('the standby leads', () => standby.log().includes('became leader'), 60_000);
        // and its controllers act: a new Organization gets its grant
        await kubectlOk(cp, ['create', '-f', '-'], organizationYaml('gamma', 'Personal'));
        await eventually('personal-tier-gamma is Active', async () => {
          const g = await getJson(cp, [
            'resourcegrants.quota.miloapis.com',
            '-n',
            OPERATOR_NS,
            'personal-tier-gamma',
          ]).catch(() => undefined);
          return g?.status?.conditions?.find((c) => c.type === 'Active')?.status === 'True';
        });
      });

      it("the operator never hit a permission it lacks (no 403 in any replica's log)", () => {
        assert.equal(everyOperator.length, 2);
        for (const replica of everyOperator) {
          const log = replica.log();
          assert.ok(log.includes('"level"'), 'the operator logged (JSON lines)');
          assert.deepEqual(forbiddenLines(log), [], replica.logPath);
        }
      });

      it('negative control: with one rule removed, the same check finds the 403', async () => {
        const cp = plane.current;
        await operator?.stop();
        // drop the rule that lets the operator create and delete AllowanceBuckets
        const role = await getJson(cp, ['clusterrole', 'milo-quota-operator-base']);
        const index = (role.rules ?? []).findIndex(
          (r) => r.resources?.join() === 'allowancebuckets' && r.verbs?.includes('create'),
        );
        assert.ok(index >= 0, 'the bucket rule is there to remove');
        await kubectlOk(cp, [
          'patch',
          'clusterrole',
          'milo-quota-operator-base',
          '--type=json',
          '-p',
          JSON.stringify([{ op: 'remove', path: `/rules/${index}` }]),
        ]);
        await eventually(
          'the aggregated role lost the rule',
          async () => !(await can('create', 'allowancebuckets.quota.miloapis.com')),
        );
        operator = await startOperator();
        // a new consumer needs new buckets
        await kubectlOk(cp, ['create', '-f', '-'], organizationYaml('beta', 'Personal'));
        const lines = await eventually('a 403 in the log', () => {
          const found = forbiddenLines(operator?.log() ?? '');
          return found.length > 0 && found;
        });
        assert.match(lines.join('\n'), /allowancebuckets/);
      });
    },
  };
}
