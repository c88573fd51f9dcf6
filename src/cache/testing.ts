// Test helpers for the cache layer (here and in admission): a QuotaCache over informers that never connect,
// seeded with objects, and a decision assumed in flight. Not part of the public surface in index.ts.
import { KubeConfig } from '@kubernetes/client-node';
import { activeCondition, makeClaim, makeGrant, makeRegistration, ORG, PROJECTS } from '../api/testing.ts';
import { createLogger, InformerFactory, type KubeObject } from '../runtime/index.ts';
import type { CrdSummary } from './crds.ts';
import { consumerKeyOf } from './indexes.ts';
import { QuotaCache } from './quota-cache.ts';
import { asKubeObject } from './resources.ts';

export const ACME_KEY = consumerKeyOf(ORG) ?? '';

/** A QuotaCache over informers that never connect, holding a 10-project grant and an open claim for 8. */
export function seededCache(): QuotaCache {
  const cache = new QuotaCache(new InformerFactory(new KubeConfig(), createLogger({ silent: true })));
  const grant = makeGrant(10);
  const claim = makeClaim([{ resourceType: PROJECTS, amount: 8 }]);
  const seed = (informer: { replace(items: KubeObject[]): void }, objects: object[]) =>
    informer.replace(objects.map(asKubeObject));
  seed(cache.registrations.informer, [makeRegistration()]);
  seed(cache.grants.informer, [
    {
      ...grant,
      metadata: { ...grant.metadata, uid: 'g1', generation: 1 },
      status: { conditions: [activeCondition()] },
    },
  ]);
  seed(cache.claims.informer, [
    {
      ...claim,
      metadata: {
        ...claim.metadata,
        uid: 'c1',
        resourceVersion: '1',
        creationTimestamp: '2024-01-01T00:00:00Z',
      },
    },
  ]);
  for (const informer of [cache.buckets.informer, cache.grantPolicies.informer, cache.claimPolicies.informer])
    seed(informer, []);
  return cache;
}

/** Assumes claim-1 granted whole, as a consumer pass does before its status write. */
export function assumeGranted(cache: QuotaCache): () => void {
  return cache.ledger.assume({ namespace: 'quota-system', name: 'claim-1', uid: 'c1' }, [
    { resourceType: PROJECTS, status: 'Granted', allocatedAmount: 8 },
  ]);
}

/** An established CRD `widgets.example.dev` serving v1alpha1 and v1beta1, as crdSummary reads it. */
export const WIDGET_CRD: CrdSummary = {
  name: 'widgets.example.dev',
  group: 'example.dev',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
  served: ['v1alpha1', 'v1beta1'],
  established: true,
  terminating: false,
};
