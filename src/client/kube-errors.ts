// Turns client-node failures into the client's error classes. A 404 without a NotFound Status body means
// the apiserver has no such resource at all (the CRDs are missing), not that an object is absent.
import {
  ClusterUnreachableError,
  KubeApiError,
  QuotaApiNotInstalledError,
  QuotaClientError,
} from './errors.ts';

interface StatusBody {
  readonly reason?: string;
  readonly message?: string;
}

function statusOf(body: unknown): StatusBody | undefined {
  if (typeof body !== 'string') return typeof body === 'object' && body !== null ? body : undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The HTTP status of a failed client-node call, or undefined for transport errors. */
export function httpCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** True for a 404 the apiserver answered with a NotFound Status (the object does not exist). */
export function isObjectNotFound(error: unknown): boolean {
  return httpCode(error) === 404 && statusOf((error as { body?: unknown }).body)?.reason === 'NotFound';
}

export function isAlreadyExists(error: unknown): boolean {
  return httpCode(error) === 409 && statusOf((error as { body?: unknown }).body)?.reason === 'AlreadyExists';
}

function transportDetail(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (error.message === 'fetch failed' || typeof cause?.code === 'string') {
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    const message = typeof cause?.message === 'string' ? cause.message : error.message;
    return code === 'ECONNREFUSED' ? 'connection refused' : message;
  }
  return undefined;
}

const FIX_BY_CODE: Readonly<Record<number, string>> = {
  401: 'the apiserver rejected your credentials: log in again or check the user in your kubeconfig',
  403: 'ask a cluster administrator for RBAC permission, or narrow the request (e.g. -n <namespace>)',
  409: 'someone changed the object at the same time: retry',
  422: 'the apiserver rejected the object: correct the fields named in the message',
};

/**
 * `what` describes the call, e.g. `get resourceclaims quota-system/web`; `server` is the apiserver URL.
 * Errors that are already QuotaClientErrors pass through unchanged.
 */
export function translateError(error: unknown, what: string, server: string): Error {
  if (error instanceof QuotaClientError) return error;
  const code = httpCode(error);
  if (code !== undefined) {
    const status = statusOf((error as { body?: unknown }).body);
    if (code === 404 && status?.reason !== 'NotFound') return new QuotaApiNotInstalledError(server);
    const fix = FIX_BY_CODE[code] ?? 'retry; if it persists, check the apiserver and the quota operator';
    const message = status?.message ?? 'no message';
    return new KubeApiError(what, code, status?.reason ?? 'Error', message, fix, error);
  }
  const detail = transportDetail(error);
  if (detail !== undefined) return new ClusterUnreachableError(server, detail, error);
  return error instanceof Error ? error : new Error(String(error));
}
