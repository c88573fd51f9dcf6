// Helpers for the grant-creation-policy integration tests: Organizations (the demo trigger kind), policies,
// and reads of grants, policy conditions and Events through the real apiserver.
import type { Condition, GrantCreationPolicy, ResourceGrant } from '../../../src/api/index.ts';
import { API_VERSION } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import {
  isNotFound,
  type KubeClient,
  type KubeObject,
  kubeRequest,
  type ResourceRef,
} from '../../../src/runtime/index.ts';
import { eventually } from '../../support/cluster.ts';

export { ORGS } from '../../../src/controllers/policy/testing.ts';

export function makeOrg(name: string, type: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
    kind: 'Organization',
    metadata: { name, labels },
    spec: { type },
  };
}

/** A policy on Organizations with one allowance; `patch` edits the plain object before it is created. */
export function makeGrantPolicy(
  name: string,
  options: {
    constraints?: string[];
    grantName?: string;
    namespace?: string;
    resourceType?: string;
    amount?: number;
    labels?: Record<string, string>;
  } = {},
): GrantCreationPolicy {
  return {
    apiVersion: API_VERSION,
    kind: 'GrantCreationPolicy',
    metadata: { name },
    spec: {
      trigger: {
        resource: { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Organization' },
        constraints: (options.constraints ?? []).map((expression) => ({ expression })),
      },
      target: {
        resourceGrantTemplate: {
          metadata: {
            name: options.grantName ?? `${name}-{{trigger.metadata.name}}`,
            namespace: options.namespace ?? 'quota-system',
            ...(options.labels && { labels: options.labels }),
          },
          spec: {
            consumerRef: {
              apiGroup: 'resourcemanager.miloapis.com',
              kind: 'Organization',
              name: '{{trigger.metadata.name}}',
            },
            allowances: [
              {
                resourceType: options.resourceType ?? 'example.com/projects',
                buckets: [{ amount: options.amount ?? 1 }],
              },
            ],
          },
        },
      },
    },
  };
}

export async function getOrUndefined<T extends KubeObject>(
  client: KubeClient,
  ref: ResourceRef,
  namespace: string,
  name: string,
): Promise<T | undefined> {
  try {
    return await client.get<T>(ref, namespace, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export const getGrant = (client: KubeClient, namespace: string, name: string) =>
  getOrUndefined<ResourceGrant>(client, RESOURCES.grants, namespace, name);

export const condition = (obj: { status?: { conditions?: Condition[] } } | undefined, type: string) =>
  obj?.status?.conditions?.find((c) => c.type === type);

/** The policy's Ready condition once it reflects the current generation and matches `want`. */
export async function readyWhen(
  client: KubeClient,
  name: string,
  want: (ready: Condition) => boolean,
  timeoutMs = 30_000,
): Promise<Condition> {
  return eventually(
    `policy ${name} Ready condition`,
    async () => {
      const policy = await client.get<GrantCreationPolicy>(RESOURCES.grantPolicies, '', name);
      const ready = condition(policy, 'Ready');
      const current = policy.status?.observedGeneration === policy.metadata.generation;
      return ready !== undefined && current && want(ready) ? ready : undefined;
    },
    timeoutMs,
  );
}

export const policyReady = (client: KubeClient, name: string) =>
  readyWhen(client, name, (c) => c.status === 'True' && c.reason === 'PolicyReady');

export async function waitGrant(client: KubeClient, namespace: string, name: string): Promise<ResourceGrant> {
  return eventually(`grant ${namespace}/${name}`, () => getGrant(client, namespace, name), 30_000, 20);
}

export async function waitNoGrant(client: KubeClient, namespace: string, name: string): Promise<void> {
  await eventually(
    `grant ${namespace}/${name} to be gone`,
    async () => (await getGrant(client, namespace, name)) === undefined,
    30_000,
    20,
  );
}

interface EventList {
  items: {
    reason?: string;
    message?: string;
    type?: string;
    involvedObject?: { uid?: string; name?: string };
  }[];
}

/** Events about the object with `uid` (in `namespace`, where the recorder wrote them). */
export async function eventsFor(
  client: KubeClient,
  namespace: string,
  uid: string,
): Promise<EventList['items']> {
  const list = await kubeRequest<EventList>(client.kubeConfig, {
    method: 'GET',
    path: `/api/v1/namespaces/${namespace}/events`,
    query: { fieldSelector: `involvedObject.uid=${uid}` },
  });
  return list.items;
}

export async function waitEvent(client: KubeClient, namespace: string, uid: string, reason: string) {
  return eventually(`event ${reason} on ${uid}`, async () => {
    const events = await eventsFor(client, namespace, uid);
    return events.find((e) => e.reason === reason);
  });
}
