// Checks an AdmissionReview body before any handler sees it. The apiserver always sends a well-formed v1
// review; anything else is a misconfigured caller, answered with 400 and the field that is wrong.
import type { AdmissionRequest, Operation } from './review.ts';

export type ParsedReview =
  | { readonly ok: true; readonly request: AdmissionRequest }
  | { readonly ok: false; readonly message: string };

const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const fail = (message: string): ParsedReview => ({ ok: false, message });

function stringFields(obj: unknown, path: string, fields: readonly string[]): string | undefined {
  if (!isRecord(obj)) return `${path} must be an object`;
  for (const f of fields) {
    if (typeof obj[f] !== 'string') return `${path}.${f} must be a string`;
  }
  return undefined;
}

/** Parses the JSON text of a request body into an AdmissionRequest, or says what is wrong with it. */
export function parseAdmissionReview(text: string): ParsedReview {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return fail(`the request body is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(body)) return fail('the request body must be an AdmissionReview object');
  if (body.kind !== 'AdmissionReview') {
    return fail(`kind must be "AdmissionReview", got ${JSON.stringify(body.kind)}`);
  }
  if (body.apiVersion !== 'admission.k8s.io/v1') {
    return fail(
      `apiVersion must be "admission.k8s.io/v1", got ${JSON.stringify(body.apiVersion)}; set admissionReviewVersions: ["v1"] in the webhook configuration`,
    );
  }
  const req = body.request;
  if (!isRecord(req)) return fail('request must be an object');
  if (typeof req.uid !== 'string' || req.uid === '') return fail('request.uid must be a non-empty string');
  const problem =
    stringFields(req.kind, 'request.kind', ['group', 'version', 'kind']) ??
    stringFields(req.resource, 'request.resource', ['group', 'version', 'resource']);
  if (problem !== undefined) return fail(problem);
  if (!OPERATIONS.includes(req.operation as Operation)) {
    return fail(
      `request.operation must be one of ${OPERATIONS.join(', ')}, got ${JSON.stringify(req.operation)}`,
    );
  }
  if (req.userInfo !== undefined && !isRecord(req.userInfo))
    return fail('request.userInfo must be an object');
  for (const field of ['object', 'oldObject'] as const) {
    if (req[field] !== undefined && req[field] !== null && !isRecord(req[field])) {
      return fail(`request.${field} must be an object or null`);
    }
  }
  if ((req.operation === 'CREATE' || req.operation === 'UPDATE') && !isRecord(req.object)) {
    return fail(`request.object is required for ${String(req.operation)}`);
  }
  if (req.operation === 'UPDATE' && !isRecord(req.oldObject)) {
    return fail('request.oldObject is required for UPDATE');
  }
  // checked field by field above; the remaining fields are optional and only read, never trusted for types
  const request = { ...req, userInfo: req.userInfo ?? {} } as unknown as AdmissionRequest;
  return { ok: true, request };
}

/** The apiserver's `?timeout=10s` query value in milliseconds, or undefined when absent or unparseable. */
export function parseTimeout(value: string | null): number | undefined {
  if (value === null) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}
