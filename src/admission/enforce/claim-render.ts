// The ResourceClaim a ClaimCreationPolicy makes for one admitted create (Milo §4.5), pure: the name is known
// before the claim exists (so the waiter is registered first), resourceRef points at the object, and Milo's
// labels and annotations are stamped. A generateName gets a suffix derived from the admission request uid:
// random across requests like the apiserver's, but the same if one request is evaluated twice.
import {
  ANNOTATION_CREATED_AT,
  ANNOTATION_CREATED_BY,
  ANNOTATION_POLICY,
  ANNOTATION_RESOURCE_NAME,
  API_VERSION,
  AUTO_CREATED_TRUE,
  CREATED_BY_CLAIM_PLUGIN,
  gvkLabelValue,
  LABEL_AUTO_CREATED,
  LABEL_GVK,
  LABEL_POLICY,
  LABEL_RESOURCE_UID,
  type ResourceClaim,
  toRFC3339,
} from '../../api/index.ts';
import {
  bindVariables,
  type CompiledClaimCreationPolicy,
  type JsonObject,
  PolicyError,
  renderObject,
} from '../../policy/index.ts';
import { sha256Hex } from '../../quota/index.ts';
import type { AdmissionRequest } from '../../webhook/review.ts';

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' SimpleNameGenerator shape (base ≤ 58 characters + 5), seeded by `seed` instead of randomness. */
export function generatedName(base: string, seed: string): string {
  const hex = sha256Hex(seed);
  let suffix = '';
  for (let i = 0; i < 5; i++)
    suffix += SUFFIX_ALPHABET[Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 27];
  return `${base.slice(0, 58)}${suffix}`;
}

export interface ClaimRenderInput {
  readonly policyName: string;
  readonly policy: CompiledClaimCreationPolicy;
  readonly request: AdmissionRequest;
  readonly object: JsonObject;
  /** Where a claim for a cluster-scoped object goes when its template names no namespace. */
  readonly defaultNamespace: string;
  readonly now: Date;
}

export function policyBindings(request: AdmissionRequest, object: JsonObject) {
  const { userInfo } = request;
  return bindVariables('ClaimCreationPolicy', {
    trigger: object,
    user: {
      name: userInfo.username,
      uid: userInfo.uid,
      groups: userInfo.groups,
      extra: userInfo.extra,
    },
    requestInfo: {
      verb: request.operation.toLowerCase(),
      resource: request.resource.resource,
      subresource: request.subResource ?? '',
      namespace: request.namespace ?? '',
      name: objectName(request, object),
      apiGroup: request.kind.group,
      apiVersion: request.kind.version,
    },
  });
}

export function objectName(request: AdmissionRequest, object: JsonObject): string {
  const metadata = object.metadata as { name?: unknown } | undefined;
  return typeof metadata?.name === 'string' ? metadata.name : (request.name ?? '');
}

export function objectUid(object: JsonObject): string {
  const metadata = object.metadata as { uid?: unknown } | undefined;
  return typeof metadata?.uid === 'string' ? metadata.uid : '';
}

/** Renders the claim. Throws PolicyError (with the template field's path) when the template cannot render. */
export function renderClaim(input: ClaimRenderInput): ResourceClaim {
  const { request, object, policyName } = input;
  const rendered = renderObject(input.policy.template, policyBindings(request, object));
  const name =
    rendered.metadata.name ??
    generatedName(rendered.metadata.generateName ?? `${policyName}-claim-`, `${request.uid}/${policyName}`);
  const namespace = rendered.metadata.namespace ?? (request.namespace || input.defaultNamespace);
  // No consumerRef in the template: the consumer comes from the request context (context-consumer.ts),
  // filled in by the caller. One that is there but renders incomplete is the template's fault.
  const consumerRef = rendered.spec.consumerRef;
  if (consumerRef !== undefined && (consumerRef.kind === undefined || consumerRef.name === undefined)) {
    throw new PolicyError(
      'evaluation',
      'spec.target.resourceClaimTemplate.spec.consumerRef',
      'the template names no consumer',
    );
  }
  const { group, version, kind } = request.kind;
  const resourceName = objectName(request, object);
  return {
    apiVersion: API_VERSION,
    kind: 'ResourceClaim',
    metadata: {
      name,
      namespace,
      labels: {
        ...rendered.metadata.labels,
        [LABEL_AUTO_CREATED]: AUTO_CREATED_TRUE,
        [LABEL_POLICY]: policyName,
        [LABEL_GVK]: gvkLabelValue(group, version, kind),
        [LABEL_RESOURCE_UID]: objectUid(object),
      },
      annotations: {
        ...rendered.metadata.annotations,
        [ANNOTATION_CREATED_BY]: CREATED_BY_CLAIM_PLUGIN,
        [ANNOTATION_CREATED_AT]: toRFC3339(input.now),
        [ANNOTATION_RESOURCE_NAME]: resourceName,
        [ANNOTATION_POLICY]: policyName,
      },
    },
    spec: {
      ...(consumerRef?.kind === undefined || consumerRef.name === undefined
        ? {}
        : {
            consumerRef: {
              kind: consumerRef.kind,
              name: consumerRef.name,
              ...(consumerRef.apiGroup === undefined ? {} : { apiGroup: consumerRef.apiGroup }),
              ...(consumerRef.namespace === undefined ? {} : { namespace: consumerRef.namespace }),
            },
          }),
      requests: rendered.spec.requests.map(({ resourceType, amount }) => ({ resourceType, amount })),
      resourceRef: {
        ...(group === '' ? {} : { apiGroup: group }),
        kind,
        name: resourceName,
        ...(request.namespace ? { namespace: request.namespace } : {}),
      },
    },
  };
}
