// A TypeScript service using the installed package's types (strict, nodenext, no skipLibCheck): the same
// steps as consumer.mjs. The @ts-expect-error lines fail the type check if the types degrade to `any`.
import { KubeConfig } from '@kubernetes/client-node';
import {
  type ClaimOwner,
  type ConsumerRef,
  claimDecision,
  type EnsureClaimOptions,
  type EnsuredClaim,
  ensureClaim,
  type ResourceClaim,
  releaseClaim,
  type WaitResult,
  waitForDecision,
} from '@milo-quota/client';

const kc = new KubeConfig();
kc.loadFromDefault();
const namespace = process.env.CLAIM_NAMESPACE ?? '';
const owner: ClaimOwner = {
  apiVersion: 'compute.example.com/v1alpha1',
  kind: 'Instance',
  name: process.env.OWNER_NAME ?? '',
  namespace,
  uid: process.env.OWNER_UID ?? '',
};
const acme: ConsumerRef = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' };
const requests = [{ resourceType: 'compute.example.com/vcpus', amount: 3 }];
const ensured: EnsuredClaim = await ensureClaim(kc, { owner, namespace, consumerRef: acme, requests });
const claim: ResourceClaim = ensured.claim;
const ref = { namespace, name: claim.metadata.name ?? '' };
const result: WaitResult = await waitForDecision(kc, ref, { timeoutMs: 30_000 });
// @ts-expect-error the outcome is a union of literals, not a string
const notAnOutcome: 'maybe' = result.outcome;
type Request = EnsureClaimOptions['requests'][number];
// @ts-expect-error a request needs an amount
const noAmount: Request = { resourceType: 'x.example.com/y' };
const again = await ensureClaim(kc, { owner, namespace, consumerRef: acme, requests });
const released: boolean = await releaseClaim(kc, ref);
const releasedAgain: boolean = await releaseClaim(kc, ref);
console.log(
  JSON.stringify({
    consumer: 'typescript',
    node: process.versions.node,
    name: ref.name,
    created: ensured.created,
    outcome: result.outcome,
    decisionOnReread: claimDecision(again.claim).outcome,
    released,
    releasedAgain,
    rereadStatus: again.claim.status,
    unused: notAnOutcome === undefined && noAmount === undefined,
  }),
);
