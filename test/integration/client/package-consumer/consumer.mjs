// A plain-JavaScript service using the installed package: ensureClaim → Granted, waitForDecision, releaseClaim.
// Run from a scratch project that installed the packed tarball; reads KUBECONFIG, CLAIM_NAMESPACE, OWNER_*.
import { KubeConfig } from '@kubernetes/client-node';
import { claimDecision, ensureClaim, releaseClaim, waitForDecision } from '@milo-quota/client';

const kc = new KubeConfig();
kc.loadFromDefault();
const namespace = process.env.CLAIM_NAMESPACE ?? '';
const owner = {
  apiVersion: 'compute.example.com/v1alpha1',
  kind: 'Instance',
  name: process.env.OWNER_NAME ?? '',
  namespace,
  uid: process.env.OWNER_UID ?? '',
};
const { claim, created } = await ensureClaim(kc, {
  owner,
  namespace,
  consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
  requests: [{ resourceType: 'compute.example.com/vcpus', amount: 2 }],
});
const ref = { namespace, name: claim.metadata.name ?? '' };
const result = await waitForDecision(kc, ref, { timeoutMs: 30_000 });
const again = await ensureClaim(kc, {
  owner,
  namespace,
  consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
  requests: [{ resourceType: 'compute.example.com/vcpus', amount: 2 }],
});
const released = await releaseClaim(kc, ref);
const releasedAgain = await releaseClaim(kc, ref);
console.log(
  JSON.stringify({
    consumer: 'javascript',
    node: process.versions.node,
    name: ref.name,
    created,
    outcome: result.outcome,
    decisionOnReread: claimDecision(again.claim).outcome,
    released,
    releasedAgain,
    rereadStatus: again.claim.status,
  }),
);
