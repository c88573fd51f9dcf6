// admission.k8s.io/v1 AdmissionReview, by hand (client-node ships no types for it), and the response
// builders every handler uses (controller-runtime's webhook/admission/response.go).

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

export interface AdmissionUserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subResource?: string;
  readonly requestKind?: GroupVersionKind;
  readonly requestResource?: GroupVersionResource;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: Operation;
  readonly userInfo: AdmissionUserInfo;
  /** The object being admitted (absent on DELETE). */
  readonly object?: unknown;
  /** The stored object (UPDATE, DELETE). */
  readonly oldObject?: unknown;
  readonly dryRun?: boolean;
}

/** metav1.Status as carried in a response. `code` becomes the HTTP status the client sees. */
export interface AdmissionStatus {
  readonly code: number;
  readonly message: string;
  readonly reason?: string;
  readonly details?: {
    /** The object refused; kubectl prints `<kind>.<group> "<name>" is invalid: <causes>` from these. */
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: readonly {
      readonly field?: string;
      readonly message: string;
      readonly reason?: string;
    }[];
    readonly retryAfterSeconds?: number;
  };
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: AdmissionStatus;
  readonly warnings?: readonly string[];
}

export interface AdmissionReview<T> {
  readonly apiVersion: 'admission.k8s.io/v1';
  readonly kind: 'AdmissionReview';
  readonly request?: AdmissionRequest;
  readonly response?: T;
}

/** A handler decides one request; the server fills in the uid and wraps the review. */
export type AdmissionHandler = (request: AdmissionRequest, signal: AbortSignal) => Promise<Verdict>;

/** What a handler returns: allowed (with optional warnings) or refused with a status. */
export type Verdict =
  | { readonly allowed: true; readonly warnings?: readonly string[] }
  | { readonly allowed: false; readonly status: AdmissionStatus };

export const allowed = (warnings?: readonly string[]): Verdict =>
  warnings && warnings.length > 0 ? { allowed: true, warnings } : { allowed: true };

/** 403 Forbidden: the request is understood and refused (quota exceeded, policy says no). */
export const forbidden = (message: string, details?: AdmissionStatus['details']): Verdict => ({
  allowed: false,
  status: { code: 403, reason: 'Forbidden', message, ...(details ? { details } : {}) },
});

/** 422 Invalid: the object itself is wrong; `causes` name the fields, `target` the object (for kubectl). */
export const invalid = (
  message: string,
  causes: readonly { field: string; message: string; reason?: string }[],
  target?: { readonly name: string; readonly group: string; readonly kind: string },
): Verdict => ({
  allowed: false,
  status: { code: 422, reason: 'Invalid', message, details: { ...target, causes } },
});

/**
 * 504 Timeout: retryable, never to be confused with a quota denial. No retryAfterSeconds: client-go would
 * turn it into a Retry-After and silently retry ten times, keeping a user waiting minutes for an answer.
 */
export const timedOut = (message: string): Verdict => ({
  allowed: false,
  status: { code: 504, reason: 'Timeout', message },
});

/** 409 Conflict: retryable; another object or another create holds what this request needs right now. */
export const conflict = (message: string): Verdict => ({
  allowed: false,
  status: { code: 409, reason: 'Conflict', message },
});

/** 500: the webhook itself failed (fail closed with the cause). */
export const errored = (message: string): Verdict => ({
  allowed: false,
  status: { code: 500, reason: 'InternalError', message },
});

export function toResponse(uid: string, verdict: Verdict): AdmissionResponse {
  return verdict.allowed
    ? { uid, allowed: true, ...(verdict.warnings ? { warnings: verdict.warnings } : {}) }
    : { uid, allowed: false, status: verdict.status };
}
