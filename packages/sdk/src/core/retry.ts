/**
 * When to retry a request and how long to wait first: one function, read top to bottom.
 */
import type { APIError } from './errors';

/** Longest `Retry-After` the SDK honours; a longer one means "give up for now", so it does not wait. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** First back-off delay; it doubles on every retry up to {@link MAX_BACKOFF_MS}. */
export const INITIAL_BACKOFF_MS = 500;
export const MAX_BACKOFF_MS = 8_000;

/**
 * 409s that are final answers from the API: retrying them returns the same answer. Any other 409
 * (a lock conflict, or a proxy's) is retried as the API guidelines for 409 say.
 */
const FINAL_CONFLICTS = new Set(['ALREADY_CLAIMED', 'PACKET_EXHAUSTED', 'IDEMPOTENCY_CONFLICT']);

/** What {@link calculateRetryDelay} decides on. */
export interface RetryInput {
  /** Retries already made (0 after the first attempt failed). */
  retriesSoFar: number;
  maxRetries: number;
  method: string;
  /** The request's `Idempotency-Key`, if it has one. */
  idempotencyKey: string | undefined;
  /** What the attempt failed with. */
  error: APIError;
  /** A number in [0, 1) for jitter. */
  random: number;
}

/**
 * The delay in milliseconds before the next attempt, or `null` to stop and throw `error`.
 *
 * @example
 * calculateRetryDelay({ retriesSoFar: 0, maxRetries: 2, method: 'GET', idempotencyKey: undefined, error, random: Math.random() })
 */
export function calculateRetryDelay({ retriesSoFar, maxRetries, method, idempotencyKey, error, random }: RetryInput): number | null {
  // 1. Out of retries.
  if (retriesSoFar >= maxRetries) return null;

  // 2. A POST changes state: without a key, a retry could do it twice. GET and DELETE are safe.
  if (method.toUpperCase() === 'POST' && !idempotencyKey) return null;

  // 3. The caller cancelled.
  if (error.code === 'ABORTED') return null;

  // 4. No answer (connection refused, reset or dropped; timeout): the request may or may not have
  //    happened, which the idempotency key makes safe to find out by asking again.
  const status = error.status;
  if (status !== undefined) {
    // 5. An answer: retry only the statuses that can change on their own.
    const retryable = status === 408 || (status === 409 && !FINAL_CONFLICTS.has(error.code)) || status === 429 || status >= 500;
    if (!retryable) return null;

    // 6. The server said when: trust it, unless it is longer than we are willing to block.
    const retryAfterMs = parseRetryAfter(error.headers);
    if (retryAfterMs !== undefined && retryAfterMs <= MAX_RETRY_AFTER_MS) return retryAfterMs;
  }

  // 7. Exponential back-off with a cap, minus up to 25% jitter so clients do not retry in step.
  const backoff = Math.min(INITIAL_BACKOFF_MS * 2 ** retriesSoFar, MAX_BACKOFF_MS);
  return Math.round(backoff * (1 - random * 0.25));
}

/** `Retry-After` (seconds or an HTTP date) or `retry-after-ms`, in milliseconds; `undefined` when absent or unreadable. */
export function parseRetryAfter(headers: Record<string, string>, now = Date.now()): number | undefined {
  const ms = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * For loops that keep going until a deadline or a stop (polling, streams, token refresh): the
 * delay before trying again after `error`, or `null` when the error is final (a 4xx such as
 * `NOT_FOUND` or `CODE_REVOKED`, or an abort). Each try is a request of its own, with its own
 * idempotency key, so only the error decides.
 */
export function retryDelayInLoop(error: APIError, failuresSoFar: number): number | null {
  return calculateRetryDelay({ retriesSoFar: failuresSoFar, maxRetries: Infinity, method: 'GET', idempotencyKey: undefined, error, random: Math.random() });
}
