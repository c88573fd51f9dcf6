// Builders for handler tests: an AdmissionRequest for a quota object, a cache view over a plain list, and the
// verdict's causes in a form easy to assert on.
import type { ResourceRegistration } from '../../api/index.ts';
import type { TypedCache } from '../../cache/index.ts';
import type {
  AdmissionHandler,
  AdmissionRequest,
  AdmissionUserInfo,
  Operation,
  Verdict,
} from '../../webhook/review.ts';
import type { ClaimGuardDeps } from '../claim-guard.ts';
import { type AccessAttributes, SYSTEM_CONTROLLERS } from '../requester-access.ts';

export function admissionRequest(
  operation: Operation,
  object: { kind: string; metadata: { name?: string; namespace?: string } },
  oldObject?: unknown,
  username = 'alice',
): AdmissionRequest {
  return {
    uid: 'test-uid',
    kind: { group: 'quota.miloapis.com', version: 'v1alpha1', kind: object.kind },
    resource: { group: 'quota.miloapis.com', version: 'v1alpha1', resource: `${object.kind.toLowerCase()}s` },
    ...(object.metadata.name ? { name: object.metadata.name } : {}),
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    operation,
    userInfo: { username, groups: ['system:authenticated'] },
    object,
    ...(oldObject === undefined ? {} : { oldObject }),
  };
}

/** `handler`'s answer to alice creating `object`. */
export const answerToCreate = (handler: AdmissionHandler, object: Parameters<typeof admissionRequest>[1]) =>
  handler(admissionRequest('CREATE', object), signal());

export function listView<T>(items: readonly T[]): Pick<TypedCache<T>, 'list' | 'synced'> {
  return { list: () => [...items], synced: async () => {} };
}

export const noRegistrations: Pick<TypedCache<ResourceRegistration>, 'list' | 'synced'> = listView([]);

export const signal = (): AbortSignal => new AbortController().signal;

/** `[field, reason, message]` per cause, or [] when allowed. */
export function causes(verdict: Verdict): [string, string, string][] {
  if (verdict.allowed) return [];
  return (verdict.status.details?.causes ?? []).map((c) => [c.field ?? '', c.reason ?? '', c.message]);
}

export function statusOf(verdict: Verdict): { code: number; message: string } | undefined {
  return verdict.allowed ? undefined : { code: verdict.status.code, message: verdict.status.message };
}

/** Claim guards for handler tests: `operator` is the operator's name; `grants` answers access reviews. */
export function testGuard(
  options: {
    readonly operator?: string;
    readonly grants?: (user: AdmissionUserInfo, attributes: AccessAttributes) => boolean;
    /** Whether the object each claim pays for exists. Default false. */
    readonly objectExists?: boolean;
  } = {},
): ClaimGuardDeps & { readonly reviews: AccessAttributes[] } {
  const operator = options.operator ?? 'system:serviceaccount:quota-system:milo-quota-operator';
  const reviews: AccessAttributes[] = [];
  return {
    reviews,
    access: {
      isOperator: async (user) => user.username === operator,
      isTrustedController: async (user) =>
        user.username === operator || SYSTEM_CONTROLLERS.includes(user.username ?? ''),
      allowed: async (user, attributes) => {
        reviews.push(attributes);
        return options.grants?.(user, attributes) ?? false;
      },
    },
    resolveKind: async (group, kind) => ({
      group,
      version: 'v1alpha1',
      plural: `${kind.toLowerCase()}s`,
      namespaced: false,
      kind,
    }),
    findObject: async (claim) => ({
      resource: undefined,
      object: options.objectExists
        ? { metadata: { name: claim.spec.resourceRef?.name ?? '', uid: 'object-uid' } }
        : undefined,
    }),
  };
}
