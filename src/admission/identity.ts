// Who the operator is to the apiserver (its ServiceAccount in a pod, the kubeconfig user locally), asked once
// with a SelfSubjectReview (authentication.k8s.io/v1, allowed to every authenticated user). The bucket
// webhook compares each writer against it. A failed lookup is retried on the next request.
import type { KubeClient, ResourceRef } from '../runtime/index.ts';

const SELF_SUBJECT_REVIEWS: ResourceRef = {
  group: 'authentication.k8s.io',
  version: 'v1',
  plural: 'selfsubjectreviews',
  namespaced: false,
  kind: 'SelfSubjectReview',
};

interface SelfSubjectReview {
  apiVersion: string;
  kind: string;
  status?: { userInfo?: { username?: string } };
}

/** The operator's username, looked up on first use and remembered. */
export function operatorIdentity(client: KubeClient): () => Promise<string> {
  let pending: Promise<string> | undefined;
  const lookup = async (): Promise<string> => {
    const review = await client.create<SelfSubjectReview>(SELF_SUBJECT_REVIEWS, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    const username = review.status?.userInfo?.username;
    if (!username) throw new Error('the SelfSubjectReview returned no username for the operator');
    return username;
  };
  return () => {
    pending ??= lookup().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
