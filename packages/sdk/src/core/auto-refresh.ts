/**
 * Keeps a dynamic code's token fresh (SPEC section 4): a new token shortly before each
 * `refreshAt`, retried with back-off after a failure, until stopped.
 */
import type { Clock } from './clock';
import { isAPIError } from './errors';
import { retryDelayInLoop } from './retry';
import { Stopper, type AbortSignalLike } from './signal';
import type { Subscription } from './stream';

/** The timing fields of a code, as the API returns them. */
export interface RefreshableCode {
  issuedAt: string;
  refreshAt: string;
}

/** Options of `codes.autoRefresh`. */
export interface AutoRefreshOptions<T> {
  /** Stops refreshing; `done` then resolves. */
  signal?: AbortSignalLike;
  /**
   * The code as last issued or refreshed. When given, the first refresh waits for its
   * `refreshAt`; otherwise the first refresh happens at once.
   */
  current?: T;
  /** How long before `refreshAt` to fetch the next token. @default 5000 */
  leadMs?: number;
  /**
   * Called with each failed refresh that the refresher will retry (the screen still shows the
   * previous token, valid until its `expiresAt`), and with any error `onToken` throws.
   */
  onError?: (error: unknown) => void;
}

/**
 * Calls `refresh` to get a new token shortly before each refresh time, and `onToken` with it.
 * A failed refresh is retried with back-off; a final error
 * (`CODE_REVOKED`, `NOT_FOUND`, `FORBIDDEN`, …) ends it and rejects `done`.
 */
export function autoRefresh<T extends RefreshableCode>(
  refresh: (signal: AbortSignalLike) => Promise<T>,
  onToken: (code: T) => void,
  clock: Clock,
  options: AutoRefreshOptions<T> = {},
): Subscription {
  const stopper = new Stopper(options.signal);
  const leadMs = options.leadMs ?? 5000;
  // The sooner of: the code's own refresh interval from now (right even when the device clock is
  // off, for a token just received) and its refresh time by the device clock (right for an older
  // `current` code, when the clock is right). Too early is harmless; too late shows a dead code.
  const dueIn = (code: T) => {
    const refreshAt = Date.parse(code.refreshAt);
    return Math.max(0, Math.min(refreshAt - Date.parse(code.issuedAt), refreshAt - clock.now()) - leadMs);
  };

  const deliver = (code: T) => {
    try {
      onToken(code);
    } catch (error) {
      options.onError?.(error);
    }
  };

  const run = async () => {
    let nextAt = options.current ? clock.now() + dueIn(options.current) : clock.now();
    let failures = 0;
    while (!stopper.aborted) {
      try {
        await clock.sleep(Math.max(0, nextAt - clock.now()), stopper);
        const code = await refresh(stopper);
        failures = 0;
        nextAt = clock.now() + dueIn(code);
        deliver(code);
      } catch (error) {
        if (stopper.aborted) return;
        const delay = isAPIError(error) ? retryDelayInLoop(error, failures++) : null;
        if (delay === null) throw error;
        options.onError?.(error);
        nextAt = clock.now() + delay;
      }
    }
  };
  return { stop: () => stopper.stop(), done: run() };
}
