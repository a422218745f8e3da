/**
 * Time, injectable: every wait in the SDK (retry back-off, polling intervals, token refresh) goes
 * through a `Clock`, so tests capture sleeps instead of waiting for them.
 */
import { APIUserAbortError } from './errors';
import type { AbortSignalLike } from './signal';

/** A source of time and waiting; see the client's `clock` option. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with `APIUserAbortError` as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignalLike): Promise<void>;
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new APIUserAbortError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new APIUserAbortError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort);
    }),
};
