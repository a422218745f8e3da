import type { Clock } from '../clock';
import type { Config } from '../config';
import type { RandomSource } from '../domain/random';
import type { ChangeBus } from '../events';
import type { AccountRow } from '../store/accounts';
import type { SqliteDatabase } from '../store/database';
import type { Stores } from '../store';

/** What every service is built from: the store, the injected clock and randomness, config. */
export interface ServiceContext {
  db: SqliteDatabase;
  stores: Stores;
  clock: Clock;
  rng: RandomSource;
  config: Config;
  bus: ChangeBus;
}

/** Who is calling: an account, and how it proved it. */
export interface Actor {
  account: AccountRow;
  via: 'session' | 'app';
  appId: string | null;
  deviceId: string | null;
}
