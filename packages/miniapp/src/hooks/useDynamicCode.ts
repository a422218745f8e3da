import { useEffect, useRef, useState } from 'react';
import type { Code } from '@hongbao/sdk';
import { Cancel } from '../lib/cancel';
import { api } from '../services/client';
import { usePageVisible } from './usePageVisible';

export interface DynamicCodeState {
  code: Code | undefined;
  error: unknown;
  loading: boolean;
  /** The code was revoked: no more refreshing. */
  revoked: boolean;
  refreshNow: () => void;
  revoke: () => Promise<void>;
}

/**
 * A code shown on screen: obtained by `open` (issue, or fetch a stored one), then kept fresh by the
 * SDK's `codes.autoRefresh` while the page is visible. Hiding or leaving the page stops refreshing;
 * showing it again starts over with a fresh token.
 */
export function useDynamicCode(open: (signal: Cancel) => Promise<Code>, key: string | null): DynamicCodeState {
  const visible = usePageVisible();
  const [code, setCode] = useState<Code>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [revoked, setRevoked] = useState(false);
  const [generation, setGeneration] = useState(0);
  const openRef = useRef(open);
  openRef.current = open;

  useEffect(() => {
    if (!key || !visible || revoked) {
      setLoading(false);
      return undefined;
    }
    const signal = new Cancel();
    let stop: (() => void) | undefined;
    setLoading(true);
    openRef
      .current(signal)
      .then(async (first) => {
        if (signal.aborted) return;
        setCode(first);
        setError(undefined);
        const subscription = await api(async (client) =>
          client.codes.autoRefresh(first.id, (fresh) => !signal.aborted && setCode(fresh), { current: first, signal, onError: (reason) => !signal.aborted && setError(reason) }),
        );
        stop = subscription.stop;
        subscription.done.catch((reason: unknown) => {
          if (signal.aborted) return;
          setError(reason);
          if ((reason as { code?: string })?.code === 'CODE_REVOKED') setRevoked(true);
        });
      })
      .catch((reason: unknown) => {
        if (!signal.aborted) setError(reason);
      })
      .finally(() => {
        if (!signal.aborted) setLoading(false);
      });
    return () => {
      signal.cancel();
      stop?.();
    };
  }, [key, visible, revoked, generation]);

  return {
    code,
    error,
    loading,
    revoked,
    refreshNow: () => setGeneration((value) => value + 1),
    revoke: async () => {
      if (!code) return;
      await api((client) => client.codes.revoke(code.id));
      setRevoked(true);
    },
  };
}
