import { useEffect, useRef, useState } from 'react';
import { Cancel, pause } from '../lib/cancel';
import { usePageVisible } from './usePageVisible';

export interface PollState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
}

export interface PollOptions<T> {
  /** Stop polling once this holds (e.g. the packet finished). */
  until?: (value: T) => boolean;
  /** Seconds the server may hold each long-poll. @default 25 */
  waitSeconds?: number;
  enabled?: boolean;
}

/**
 * Follows a versioned resource live with the server's long-poll (`wait` + the last `version`),
 * through an SDK call. Polling pauses while the page is hidden and stops on unmount or once
 * `until` holds; failures back off (1 s doubling to 30 s) and keep the last good data on screen.
 */
export function usePoll<T extends { version: number }>(
  fetch: (query: { wait?: number; version?: number }, signal: Cancel) => Promise<T>,
  deps: unknown[],
  options: PollOptions<T> = {},
): PollState<T> {
  const { until, waitSeconds = 25, enabled = true } = options;
  const visible = usePageVisible();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(enabled);
  const latest = useRef<{ fetch: typeof fetch; until: typeof until; data: T | undefined }>({ fetch, until, data });
  latest.current.fetch = fetch;
  latest.current.until = until;

  useEffect(() => {
    latest.current.data = undefined;
    setData(undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  useEffect(() => {
    if (!enabled || !visible) {
      setLoading(false);
      return undefined;
    }
    const signal = new Cancel();
    const run = async () => {
      let failures = 0;
      while (!signal.aborted) {
        const known = latest.current.data;
        if (known && latest.current.until?.(known)) break;
        try {
          const query = known ? { wait: waitSeconds, version: known.version } : {};
          const value = await latest.current.fetch(query, signal);
          if (signal.aborted) return;
          failures = 0;
          latest.current.data = value;
          setData(value);
          setError(undefined);
        } catch (reason) {
          if (signal.aborted) return;
          setError(reason);
          failures += 1;
          await pause(Math.min(30_000, 1_000 * 2 ** (failures - 1)), signal);
        } finally {
          if (!signal.aborted) setLoading(false);
        }
      }
    };
    void run();
    return () => {
      signal.cancel();
      setLoading(false);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, enabled, visible, waitSeconds]);

  return { data, error, loading };
}
