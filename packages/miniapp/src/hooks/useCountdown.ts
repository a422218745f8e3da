import { useEffect, useState } from 'react';
import { secondsUntil } from '../lib/countdown';

/** Seconds left until `at` (ISO time), ticking once a second; null while there is no target. */
export function useCountdown(at: string | null | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!at) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at ? secondsUntil(at, now) : null;
}
