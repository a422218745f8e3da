/** Countdown to a code's next refresh. */

/** Whole seconds from `now` until `refreshAt` (ISO time), never below zero. */
export function secondsUntil(refreshAt: string, now: number): number {
  const at = Date.parse(refreshAt);
  if (Number.isNaN(at)) return 0;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * When to refresh a displayed token: at the server's `refreshAt`, but never later than the token
 * expiry minus a margin, so a clock that runs slow still shows a scannable code.
 */
export function refreshDelayMs(code: { refreshAt: string; expiresAt: string }, now: number, marginMs = 5_000): number {
  const refreshAt = Date.parse(code.refreshAt);
  const latest = Date.parse(code.expiresAt) - marginMs;
  return Math.max(1_000, Math.min(refreshAt, latest) - now);
}
