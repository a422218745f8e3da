import { systemClock, type Clock } from '../clock';
import type { Config } from '../config';
import { cryptoRandom, type RandomSource } from '../domain/random';
import { ChangeBus } from '../events';
import { createStores, type Stores } from '../store';
import { DomainEvents } from './events';
import type { AccountRow } from '../store/accounts';
import type { Database } from '../store/sql';

/** What every service is built from: the store, the injected clock and randomness, config. */
export interface ServiceContext {
  db: Database;
  stores: Stores;
  clock: Clock;
  rng: RandomSource;
  config: Config;
  bus: ChangeBus;
  /** Domain events, told inside the transaction of the change (audit log, webhook outbox). */
  events: DomainEvents;
}

/** Who is calling: an account, and how it proved it. */
export interface Actor {
  account: AccountRow;
  via: 'session' | 'app';
  appId: string | null;
  deviceId: string | null;
}

/** A fresh context on an open database: its stores, an in-process change bus, no subscribers yet. */
export function createContext(options: { database: Database; config: Config; clock?: Clock; rng?: RandomSource }): ServiceContext {
  return {
    db: options.database,
    stores: createStores(options.database),
    clock: options.clock ?? systemClock,
    rng: options.rng ?? cryptoRandom(),
    config: options.config,
    bus: new ChangeBus(),
    events: new DomainEvents(),
  };
}

/**
 * Long-poll support: waits for the next change announced on `key`, for at most `ms`, or until
 * `signal` aborts. The caller has read a version equal to the client's; reading is async, so a
 * change may commit (and be announced) between that read and this call. So the wait subscribes
 * first and then asks `unchanged` (a fresh read) whether the version is still the client's,
 * ending at once when it is not: no change can slip between the read and the subscription.
 */
export async function waitForChange(ctx: ServiceContext, key: string, ms: number, signal: AbortSignal | undefined, unchanged: () => Promise<boolean>): Promise<void> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const changed = ctx.bus.waitForChange(key, ms, stop.signal);
    if (signal?.aborted || !(await unchanged())) return;
    await changed;
  } finally {
    stop.abort();
    signal?.removeEventListener('abort', abort);
  }
}
