// Waiting for a claim's decision. One GET gives the current state and a resourceVersion; a WATCH on that one
// claim resumes from it, so no change between the two is missed, and a decision is seen within
// milliseconds of its write. If the watch cannot be used (e.g. RBAC allows get but not watch), GET polling
// every 1 to 1.5 s takes over until the deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { invalid, type ResourceClaim, required } from '../api/index.ts';
import type { ClaimRef } from '../quota/index.ts';
import { KubeApiError } from '../runtime/index.ts';
import { claimDecision } from './decision.ts';
import {
  ClaimDeletedError,
  ClaimNotFoundError,
  ClusterUnreachableError,
  InvalidClaimError,
} from './errors.ts';
import { type QuotaApi, quotaApi } from './kube.ts';
import { type Cursor, type Decided, watchOnce } from './watch-once.ts';

export type WaitResult = Decided | { readonly outcome: 'timeout'; readonly message: string };

export interface WaitOptions {
  /** How long to wait; 0 checks once. */
  readonly timeoutMs: number;
  /** Aborting rejects the wait with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called once if the watch fails and GET polling takes over (e.g. to log it). */
  readonly onFallback?: (error: Error) => void;
}

const POLL_MS = 1000;
const POLL_JITTER_MS = 500;
/** Watches closed sooner than this in a row suggest a proxy cutting them; polling is then cheaper. */
const QUICK_CLOSE_MS = 1000;
const MAX_QUICK_CLOSES = 3;

function abortError(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The wait was aborted', 'AbortError');
}

function cursorOf(claim: ResourceClaim, message: string): Cursor {
  return { resourceVersion: claim.metadata.resourceVersion ?? '', message };
}

/** An error worth retrying: the apiserver is away, overloaded (429) or failing (5xx). */
export function isTransient(error: unknown): boolean {
  if (error instanceof ClusterUnreachableError) return true;
  return error instanceof KubeApiError && (error.status >= 500 || error.status === 429);
}

async function poll(api: QuotaApi, ref: ClaimRef, deadline: number, from: string, signal?: AbortSignal) {
  let message = from;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { outcome: 'timeout', message } as const;
    const wait = Math.min(remaining, POLL_MS + Math.random() * POLL_JITTER_MS);
    await sleep(wait, undefined, signal ? { signal } : {}).catch(() => {
      throw abortError(signal);
    });
    let claim: ResourceClaim | undefined;
    try {
      claim = await api.getClaim(ref);
    } catch (error) {
      if (!isTransient(error)) throw error;
      message = `${from} (last poll failed: ${(error as Error).message})`;
      continue;
    }
    if (claim === undefined) throw new ClaimDeletedError(ref);
    const decision = claimDecision(claim);
    if (decision.outcome !== 'pending') return decision;
    message = decision.message;
  }
}

/**
 * Resolves with the claim's decision, or `{ outcome: 'timeout' }` after `timeoutMs`. The initial
 * `Granted=False/PendingEvaluation` is pending, never a denial. Throws ClaimNotFoundError if the claim does
 * not exist, ClaimDeletedError if it is deleted while waiting.
 */
export async function waitForDecision(
  kc: KubeConfig,
  ref: ClaimRef,
  options: WaitOptions,
): Promise<WaitResult> {
  const { timeoutMs, signal } = options;
  if (!ref?.namespace || !ref.name) {
    throw new InvalidClaimError([
      required(ref?.namespace ? 'name' : 'namespace', 'name the claim to wait for'),
    ]);
  }
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw new InvalidClaimError([
      invalid('timeoutMs', `must be a number of milliseconds ≥ 0, got ${timeoutMs}`),
    ]);
  }
  const deadline = Date.now() + timeoutMs;
  const api = quotaApi(kc);
  if (signal?.aborted) throw abortError(signal);
  const claim = await api.getClaim(ref);
  if (claim === undefined) throw new ClaimNotFoundError(ref);
  const first = claimDecision(claim);
  if (first.outcome !== 'pending') return first;
  let cursor = cursorOf(claim, first.message);
  let quickCloses = 0;
  for (;;) {
    if (Date.now() >= deadline) return { outcome: 'timeout', message: cursor.message };
    const started = Date.now();
    const step = await watchOnce(kc, ref, cursor, deadline, signal);
    switch (step.kind) {
      case 'decided':
        return step.decision;
      case 'deleted':
        throw new ClaimDeletedError(ref);
      case 'deadline':
        return { outcome: 'timeout', message: step.cursor.message };
      case 'aborted':
        throw abortError(signal);
      case 'expired': {
        const fresh = await api.getClaim(ref);
        if (fresh === undefined) throw new ClaimDeletedError(ref);
        const decision = claimDecision(fresh);
        if (decision.outcome !== 'pending') return decision;
        cursor = cursorOf(fresh, decision.message);
        break;
      }
      case 'closed':
        cursor = step.cursor;
        quickCloses = Date.now() - started < QUICK_CLOSE_MS ? quickCloses + 1 : 0;
        if (quickCloses < MAX_QUICK_CLOSES) break;
        options.onFallback?.(new Error(`the watch closed ${quickCloses} times in a row within a second`));
        return poll(api, ref, deadline, cursor.message, signal);
      case 'failed':
        options.onFallback?.(step.error);
        return poll(api, ref, deadline, cursor.message, signal);
    }
  }
}
