import { useCallback, useEffect, useRef, useState } from 'react';
import { Cancel } from '../lib/cancel';

export interface RequestState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Runs the request again (keeping the current data on screen meanwhile). */
  reload: () => void;
  /** Replaces the data, e.g. with what a mutation returned. */
  setData: (data: T) => void;
}

/**
 * Runs `fetch` when `deps` change (and on `reload`), cancelling the previous run and any run still
 * going when the component unmounts. `loading` always clears, whether the call succeeds, fails or
 * is cancelled. Pass `enabled: false` to wait (e.g. for a route param).
 */
export function useRequest<T>(fetch: (signal: Cancel) => Promise<T>, deps: unknown[], enabled = true): RequestState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(enabled);
  const [generation, setGeneration] = useState(0);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;

  useEffect(() => {
    if (!enabled) {
      setLoading(false);
      return undefined;
    }
    const signal = new Cancel();
    setLoading(true);
    setError(undefined);
    fetchRef.current(signal).then(
      (value) => {
        if (!signal.aborted) setData(value);
      },
      (reason: unknown) => {
        if (!signal.aborted) setError(reason);
      },
    ).finally(() => {
      if (!signal.aborted) setLoading(false);
    });
    return () => {
      signal.cancel();
      setLoading(false);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, enabled, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload, setData };
}
