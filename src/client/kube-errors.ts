// What a failed API call means to a claims client: the runtime's KubeApiError (the one error of the project's
// Kubernetes I/O) said in the client's terms. A 404 without a NotFound Status means the apiserver has no such
// resource at all (the CRDs are missing), not that an object is absent; status 0 means no connection.
import { KubeApiError } from '../runtime/index.ts';
import { ClusterUnreachableError, QuotaApiNotInstalledError, QuotaClientError } from './errors.ts';

const FIX_BY_STATUS: Readonly<Record<number, string>> = {
  401: 'the apiserver rejected your credentials: log in again or check the user in your kubeconfig',
  403: 'ask a cluster administrator for RBAC permission, or narrow the request (e.g. -n <namespace>)',
  409: 'someone changed the object at the same time: retry',
  422: 'the apiserver rejected the object: correct the fields named in the message',
};
const RETRY = 'retry; if it persists, check the apiserver and the quota operator';

/** True for a 404 the apiserver answered with a NotFound Status (the object does not exist). */
export function isObjectNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404 && error.reason === 'NotFound';
}

function transportDetail(error: KubeApiError): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  return typeof cause?.message === 'string' ? cause.message : error.message;
}

/**
 * The error a client call throws for `error`: QuotaApiNotInstalledError, ClusterUnreachableError, or a
 * KubeApiError whose message names the call (`what`, e.g. `get resourceclaims quota-system/web`) and the fix.
 * `server` is the apiserver URL. QuotaClientErrors and errors of other kinds pass through unchanged.
 */
export function translateError(error: unknown, what: string, server: string): Error {
  if (error instanceof QuotaClientError) return error;
  if (!(error instanceof KubeApiError)) return error instanceof Error ? error : new Error(String(error));
  if (error.status === 0) return new ClusterUnreachableError(server, transportDetail(error), error);
  if (error.status === 404 && error.reason !== 'NotFound') return new QuotaApiNotInstalledError(server);
  const reason = error.reason || 'Error';
  const fix = FIX_BY_STATUS[error.status] ?? RETRY;
  const message = `${what} failed: ${error.status} ${reason}: ${error.body?.message ?? 'no message'}: ${fix}`;
  return new KubeApiError(error.status, reason, message, {
    cause: error,
    ...(error.body === undefined ? {} : { body: error.body }),
  });
}
