// Builders for handler tests: an AdmissionRequest for a quota object, a cache view over a plain list, and the
// verdict's causes in a form easy to assert on.
import type { ResourceRegistration } from '../../api/index.ts';
import type { AdmissionRequest, Operation, Verdict } from '../review.ts';
import type { CacheView } from './common.ts';

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

export function listView<T>(items: readonly T[]): CacheView<T> {
  return { list: () => [...items], synced: async () => {} };
}

export const noRegistrations: CacheView<ResourceRegistration> = listView([]);

export const signal = (): AbortSignal => new AbortController().signal;

/** `[field, reason, message]` per cause, or [] when allowed. */
export function causes(verdict: Verdict): [string, string, string][] {
  if (verdict.allowed) return [];
  return (verdict.status.details?.causes ?? []).map((c) => [c.field ?? '', c.reason ?? '', c.message]);
}

export function statusOf(verdict: Verdict): { code: number; message: string } | undefined {
  return verdict.allowed ? undefined : { code: verdict.status.code, message: verdict.status.message };
}
