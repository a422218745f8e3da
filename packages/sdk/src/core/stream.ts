/**
 * A live stream of a collect code's incoming payments, built on the long-poll of
 * `GET /v1/collect-codes/:id/payments`, as an async iterator or a callback.
 */
import { MAX_WAIT_SECONDS } from '../internal/protocol';
import type { Clock } from './clock';
import { isAPIError } from './errors';
import { retryDelayInLoop } from './retry';
import { Stopper, type AbortSignalLike } from './signal';

/** A page of items, newest first, with the collection's version. */
export interface VersionedPage<T> {
  data: T[];
  nextCursor: string | null;
  version: number;
}

export type PageFetch<T> = (
  query: { limit: number; cursor?: string; wait?: number; version?: number },
  call: { signal?: AbortSignalLike; timeout: number; maxRetries: 0 },
) => Promise<VersionedPage<T>>;

/** Options of a payment stream. */
export interface StreamOptions {
  /** Ends the stream (an iterator finishes, a callback stream's `done` resolves). */
  signal?: AbortSignalLike;
  /** Also deliver the payments already there when the stream starts (oldest first). @default false */
  includeExisting?: boolean;
  /** Pause between two requests, even when the server answered at once. @default 1000 */
  intervalMs?: number;
  /** Longest the server may hold one request, in seconds (at most 30). @default 25 */
  waitSeconds?: number;
}

/** A running callback stream or refresher. */
export interface Subscription {
  /** Stops it; `done` then resolves. */
  stop(): void;
  /** Resolves when stopped; rejects with the error that ended it (a final API error such as `NOT_FOUND`). */
  done: Promise<void>;
}

const PAGE_SIZE = 100;
const LONG_POLL_GRACE_MS = 10_000;
/** How many delivered ids the stream remembers to tell new items from old ones. */
const REMEMBERED_IDS = 1000;

/**
 * Yields every item that appears after the stream starts, once, oldest first. Ends quietly when
 * `signal` aborts; throws a final API error; rides out connection errors, 429 and 5xx with
 * back-off.
 */
export async function* streamNewItems<T extends { id: string }>(fetch: PageFetch<T>, clock: Clock, options: StreamOptions = {}): AsyncGenerator<T, void, undefined> {
  const { signal, intervalMs = 1000 } = options;
  const wait = Math.min(options.waitSeconds ?? 25, MAX_WAIT_SECONDS);
  const seen = new Set<string>();
  const remember = (item: T) => {
    seen.add(item.id);
    if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value as string);
  };
  let version: number | undefined;
  let failures = 0;
  let pause = 0;
  while (!signal?.aborted) {
    try {
      if (pause > 0) await clock.sleep(pause, signal);
      const call = { signal, timeout: (version === undefined ? 0 : wait * 1000) + LONG_POLL_GRACE_MS, maxRetries: 0 as const };
      const page = await fetch(version === undefined ? { limit: PAGE_SIZE } : { limit: PAGE_SIZE, wait, version }, call);
      const fresh = page.data.filter((item) => !seen.has(item.id));
      // More arrived than one page holds: read on until the pages reach items already seen.
      let next = version !== undefined && fresh.length === page.data.length ? page.nextCursor : null;
      while (next) {
        const older = await fetch({ limit: PAGE_SIZE, cursor: next }, { ...call, timeout: LONG_POLL_GRACE_MS });
        const unseen = older.data.filter((item) => !seen.has(item.id));
        fresh.push(...unseen);
        next = unseen.length === older.data.length ? older.nextCursor : null;
      }
      const deliver = version !== undefined || options.includeExisting;
      version = page.version;
      failures = 0;
      pause = intervalMs;
      for (const item of fresh.reverse()) {
        remember(item);
        if (deliver) yield item;
      }
    } catch (error) {
      if (signal?.aborted) return;
      const delay = isAPIError(error) ? retryDelayInLoop(error, failures++) : null;
      if (delay === null) throw error;
      pause = Math.max(delay, intervalMs);
    }
  }
}

/** Runs `stream`, calling `onItem` for each item, until stopped or a final error. */
export function subscribe<T>(start: (signal: AbortSignalLike) => AsyncIterable<T>, onItem: (item: T) => void | Promise<void>, signal?: AbortSignalLike): Subscription {
  const stopper = new Stopper(signal);
  const done = (async () => {
    for await (const item of start(stopper)) await onItem(item);
  })();
  return { stop: () => stopper.stop(), done };
}
