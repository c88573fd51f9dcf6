// One admission request, from body text to reply: parse and check the review, run the handler under a
// deadline, and wrap its verdict in a v1 AdmissionReview with the request's uid. A handler that throws fails
// closed (500 with the cause); one that outlives its deadline gets a retryable 504, answered before the
// apiserver's own timeout fires so the user sees our message rather than a bare "context deadline exceeded".
import { errorFields, type Logger } from '../runtime/index.ts';
import { parseAdmissionReview } from './parse.ts';
import {
  type AdmissionHandler,
  type AdmissionRequest,
  errored,
  timedOut,
  toResponse,
  type Verdict,
} from './review.ts';

export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export const badRequest = (status: number, message: string): Reply => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body: `${message}\n`,
});

const describe = (req: AdmissionRequest) =>
  `${req.operation} ${req.kind.kind} ${req.namespace ? `${req.namespace}/` : ''}${req.name ?? ''}`;

/** Runs `handler` with a signal that aborts at the deadline or on shutdown; never rejects. */
export async function decide(
  handler: AdmissionHandler,
  request: AdmissionRequest,
  deadlineMs: number,
  stop: AbortSignal,
  log: Logger,
): Promise<Verdict> {
  const deadline = new AbortController();
  const signal = AbortSignal.any([deadline.signal, stop]);
  let settle: (verdict: Verdict) => void = () => {};
  const late = new Promise<Verdict>((resolve) => {
    settle = resolve;
  });
  const onAbort = () =>
    settle(
      stop.aborted
        ? timedOut('the quota operator replica is shutting down; retry the request')
        : timedOut(`the quota webhook did not decide within ${Math.round(deadlineMs)} ms; retry the request`),
    );
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    const run = Promise.resolve()
      .then(() => handler(request, signal))
      .catch((error: unknown): Verdict => {
        log.error('admission handler failed', { request: describe(request), ...errorFields(error) });
        const message = error instanceof Error ? error.message : String(error);
        return errored(`admission webhook failed on ${describe(request)}: ${message}`);
      });
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** The reply to one review body: 400 when it is not a valid v1 AdmissionReview, else 200 with the verdict. */
export async function answerReview(
  text: string,
  handler: AdmissionHandler,
  deadlineMs: number,
  stop: AbortSignal,
  log: Logger,
): Promise<Reply> {
  const parsed = parseAdmissionReview(text);
  if (!parsed.ok) return badRequest(400, `invalid AdmissionReview: ${parsed.message}`);
  const verdict = await decide(handler, parsed.request, deadlineMs, stop, log);
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: toResponse(parsed.request.uid, verdict),
  };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(review) };
}
