/**
 * Status polling on the server's long-poll (SPEC section 10): `GET …?wait=<s>&version=<v>` answers
 * at the first change after `version` or when `wait` runs out.
 */
import { MAX_WAIT_SECONDS } from '../internal/protocol';
import type { Clock } from './clock';
import { isAPIError, PollTimeoutError } from './errors';
import { retryDelayInLoop } from './retry';
import { throwIfAborted, type AbortSignalLike } from './signal';

/** Options of `packets.poll`. */
export interface PollOptions<T> {
  /** Stop when this returns true for the latest value. @default value => value.status !== 'active' */
  until?: (value: T) => boolean;
  /** Pause between two requests, even when the server answered at once. @default 1000 */
  intervalMs?: number;
  /** Overall deadline, from the call; then the poll rejects with `PollTimeoutError`. @default 300000 (5 minutes) */
  timeoutMs?: number;
  /** Longest the server may hold one request, in seconds (at most 30). @default 25 */
  waitSeconds?: number;
  /** Stops the poll at once; it then rejects with `APIUserAbortError`. */
  signal?: AbortSignalLike;
}

/** One long-poll request: no `wait`/`version` for the first, then both. */
export type LongPollFetch<T> = (query: { wait?: number; version?: number }, call: { signal?: AbortSignalLike; timeout: number; maxRetries: 0 }) => Promise<T>;

/** Extra time a long-poll request may take beyond its `wait` before it counts as lost. */
const LONG_POLL_GRACE_MS = 10_000;

export const POLL_DEFAULTS = { intervalMs: 1000, timeoutMs: 300_000, waitSeconds: 25 } as const;

/**
 * Polls until `until(value)` holds, then resolves with that value. Rejects with
 * `PollTimeoutError` (carrying the last value seen) at the deadline, with `APIUserAbortError`
 * when `signal` aborts, and with the API error for a final failure (`NOT_FOUND`, …). Connection
 * errors, 429 and 5xx do not end the poll: it backs off and tries again until the deadline.
 */
export async function pollUntil<T extends { version: number }>(fetch: LongPollFetch<T>, clock: Clock, options: PollOptions<T> & { until: (value: T) => boolean }): Promise<T> {
  const { until, signal, intervalMs = POLL_DEFAULTS.intervalMs, timeoutMs = POLL_DEFAULTS.timeoutMs } = options;
  const maxWait = Math.min(options.waitSeconds ?? POLL_DEFAULTS.waitSeconds, MAX_WAIT_SECONDS);
  const deadline = clock.now() + timeoutMs;
  let last: T | undefined;
  let failures = 0;
  let pause = 0;
  for (;;) {
    throwIfAborted(signal);
    if (pause > 0) await clock.sleep(Math.min(pause, Math.max(0, deadline - clock.now())), signal);
    const left = deadline - clock.now();
    if (left <= 0) throw new PollTimeoutError(`Polling gave up after ${timeoutMs} ms without the condition holding.`, last);
    const wait = last ? Math.min(maxWait, Math.floor(left / 1000)) : 0;
    try {
      last = await fetch(last ? { wait, version: last.version } : {}, { signal, timeout: wait * 1000 + LONG_POLL_GRACE_MS, maxRetries: 0 });
      failures = 0;
      if (until(last)) return last;
      pause = intervalMs;
    } catch (error) {
      const delay = isAPIError(error) ? retryDelayInLoop(error, failures++) : null;
      if (delay === null) throw error;
      pause = Math.max(delay, intervalMs);
    }
  }
}
