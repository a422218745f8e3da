import { systemClock, type Clock } from '../clock';
import type { Config } from '../config';
import { cryptoRandom, type RandomSource } from '../domain/random';
import { ChangeBus } from '../events';
import { createStores, type Stores } from '../store';
import { DomainEvents } from './events';
import type { AccountRow } from '../store/accounts';
import type { SqliteDatabase } from '../store/database';

/** What every service is built from: the store, the injected clock and randomness, config. */
export interface ServiceContext {
  db: SqliteDatabase;
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
export function createContext(options: { database: SqliteDatabase; config: Config; clock?: Clock; rng?: RandomSource }): ServiceContext {
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
