// The enforced side of the admission benchmark: ConfigMaps in namespace "enforced" under a ClaimCreationPolicy
// (one claim of 1 per ConfigMap, ample room), with the operator serving its webhooks on 127.0.0.1 as `make run`
// does. Measured after the two baselines, so the enforcement webhook (which the apiserver calls for every
// ConfigMap create once the policy is Ready, whatever the namespace) is not on the baselines' path.

import { OWN_CLAIM_CREATES_CONDITION } from '../../src/admission/quota-webhook.ts';
import type { ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { createClient, type KubeClient, kubeRequest, resourcePath } from '../../src/runtime/index.ts';
import { makeGrant, makeRegistration, org } from '../../test/support/builders.ts';
import { operatorServiceAccount } from '../../test/support/service-account.ts';
import { createNamespaces, QUOTA_NAMESPACE } from '../lib/bench.ts';
import { outcomeOf } from '../lib/claim-watch.ts';
import { type CpuSplit, cpuMeter } from '../lib/cpu.ts';
import { type OperatorHandle, spawnOperator } from '../lib/operator.ts';
import { CONFIGMAPS, type CreateFigures, measureCreates, WARM_UP } from './measure.ts';

/** Where an enforced create's time goes, from the operator's own metrics over the sequential creates (means). */
export interface EnforcedBreakdown {
  /** The apiserver's call to /enforce-quota, as the operator's server timed it. */
  readonly webhookMs: number;
  /** Of that: the claim create and the wait for its decision. */
  readonly claimCreateAndDecisionMs: number;
  readonly creates: number;
}

export type EnforcedOutcome =
  | { measured: true; figures: CreateFigures; cpuSeconds: CpuSplit; breakdown: EnforcedBreakdown }
  | { measured: false; reason: string };

export const ENFORCED_NAMESPACE = 'enforced';
const RESOURCE_TYPE = 'bench.example.com/configmaps';

const POLICY = `apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata:
  name: configmaps
spec:
  trigger:
    resource:
      apiVersion: v1
      kind: ConfigMap
    constraints:
      - expression: trigger.metadata.namespace == "${ENFORCED_NAMESPACE}"
  target:
    resourceClaimTemplate:
      metadata:
        name: "cm-{{trigger.metadata.namespace}}-{{trigger.metadata.name}}"
        namespace: ${QUOTA_NAMESPACE}
      spec:
        consumerRef:
          apiGroup: resourcemanager.miloapis.com
          kind: Organization
          name: acme
        requests:
          - resourceType: ${RESOURCE_TYPE}
            amount: 1
`;

async function kubectl(plane: ControlPlane, args: string[], input?: string): Promise<string> {
  const result = await plane.kubectl(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The sums and counts of the enforcement webhook's latency and of the decision wait, from /metrics text. */
function sums(text: string) {
  const value = (prefix: string) => {
    const line = text.split('\n').find((l) => l.startsWith(prefix));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return {
    webhookSum: value('controller_runtime_webhook_latency_seconds_sum{webhook="/enforce-quota"}'),
    webhookCount: value('controller_runtime_webhook_latency_seconds_count{webhook="/enforce-quota"}'),
    waitSum: value('milo_quota_admission_wait_duration_seconds_sum{result="granted"}'),
  };
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function setUpPolicy(plane: ControlPlane, client: KubeClient): Promise<void> {
  await createNamespaces(client, [ENFORCED_NAMESPACE]);
  await client.create(
    RESOURCES.registrations,
    makeRegistration('bench-configmaps', RESOURCE_TYPE, undefined, [{ apiGroup: '', kind: 'ConfigMap' }]),
  );
  await client.create(
    RESOURCES.grants,
    makeGrant('acme-configmaps', QUOTA_NAMESPACE, org('acme')).allow(RESOURCE_TYPE, 1_000_000).build(),
  );
  await kubectl(plane, ['apply', '-f', '-'], POLICY);
  await kubectl(plane, [
    'wait',
    '--for=condition=Active',
    '--timeout=120s',
    '-n',
    QUOTA_NAMESPACE,
    'resourcegrant.quota.miloapis.com/acme-configmaps',
  ]);
  await kubectl(plane, [
    'wait',
    '--for=condition=Ready',
    '--timeout=120s',
    'claimcreationpolicy.quota.miloapis.com/configmaps',
  ]);
  await until("the claim webhook to skip the operator's own claim creates", async () => {
    const out = await kubectl(plane, [
      'get',
      'validatingwebhookconfiguration',
      'milo-quota-validation',
      '-o',
      'jsonpath={.webhooks[*].matchConditions[*].name}',
    ]);
    return out.includes(OWN_CLAIM_CREATES_CONDITION);
  });
  await until('the enforcement webhook to cover ConfigMaps', async () => {
    const out = await kubectl(plane, [
      'get',
      'validatingwebhookconfiguration',
      'milo-quota-enforcement',
      '-o',
      'jsonpath={.webhooks[*].rules[*].resources[*]}',
    ]);
    return out.split(/\s+/).includes('configmaps');
  });
}

export async function measureEnforced(
  plane: ControlPlane,
  counts: { sequential: number; burst: number; concurrency: number },
  log: (message: string) => void,
): Promise<EnforcedOutcome> {
  const client = createClient(plane.kubeConfig);
  let operator: OperatorHandle | undefined;
  try {
    // as in a pod: under its own ServiceAccount, whose claim creates skip the claim webhook
    const login = await operatorServiceAccount(plane, QUOTA_NAMESPACE);
    operator = await spawnOperator(plane, {
      args: ['--enable-webhooks=true', '--webhook-url-host=127.0.0.1', '--webhook-port=0'],
      kubeconfigPath: login.kubeconfigPath,
    });
    await operator.waitReady();
    await setUpPolicy(plane, client);
    log('ConfigMaps under a ClaimCreationPolicy (enforced by the operator webhook)');
    const cpu = cpuMeter(plane, operator.pid);
    const handle = operator;
    let before = sums('');
    let breakdown: EnforcedBreakdown = { webhookMs: 0, claimCreateAndDecisionMs: 0, creates: 0 };
    const figures = await measureCreates(client, CONFIGMAPS, ENFORCED_NAMESPACE, counts, undefined, {
      beforeSequential: async () => {
        before = sums(await handle.metrics());
      },
      afterSequential: async () => {
        const after = sums(await handle.metrics());
        const creates = after.webhookCount - before.webhookCount;
        breakdown = {
          creates,
          webhookMs: ((after.webhookSum - before.webhookSum) / creates) * 1000,
          claimCreateAndDecisionMs: ((after.waitSum - before.waitSum) / creates) * 1000,
        };
      },
    });
    const cpuSeconds = cpu();
    log(
      `sequential enforced creates: the operator's webhook took ${breakdown.webhookMs.toFixed(1)} ms on average, ` +
        `${breakdown.claimCreateAndDecisionMs.toFixed(1)} ms of it creating the claim and waiting for its decision`,
    );
    // Proof that every timed create went through enforcement: one Granted claim per ConfigMap.
    const claims = await kubeRequest<{ items: ResourceClaim[] }>(plane.kubeConfig, {
      method: 'GET',
      path: resourcePath(RESOURCES.claims, QUOTA_NAMESPACE),
    });
    const granted = claims.items.filter(
      (c) => c.metadata.name?.startsWith(`cm-${ENFORCED_NAMESPACE}-`) && outcomeOf(c) === 'granted',
    ).length;
    const expected = WARM_UP + counts.sequential + counts.burst;
    if (granted !== expected) throw new Error(`${granted} granted claims for ${expected} enforced creates`);
    return { measured: true, figures, cpuSeconds, breakdown };
  } catch (error) {
    return {
      measured: false,
      reason: `not measured: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    await operator?.stop();
  }
}
