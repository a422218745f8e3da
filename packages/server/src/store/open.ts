import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import type { ChangeBus } from '../events';
import { SqliteDatabase } from './database';
import { PostgresDatabase } from './postgres';
import type { Database } from './sql';

/** Whether `db` names a PostgreSQL database rather than a SQLite file. */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

/** Opens the store `config.db` names: a postgres:// URL, or else a SQLite file. */
export function openDatabase(config: Pick<Config, 'db' | 'sqliteSynchronous' | 'pgPoolSize'>): Database {
  if (isPostgresUrl(config.db)) return new PostgresDatabase(config.db, { poolSize: config.pgPoolSize });
  return new SqliteDatabase(config.db, { synchronous: config.sqliteSynchronous });
}

const CHANNEL = 'hongbao_changes';
/** NOTIFY payloads must stay under 8,000 bytes. */
const MAX_PAYLOAD = 7_000;

/**
 * Shares `bus` with every other instance on the same PostgreSQL database: each change this
 * instance announces is sent with NOTIFY (batched per event-loop turn), and each one another
 * instance announces wakes this instance's long-polls. On SQLite there is one process: nothing to do.
 * Resolves to a function that stops listening.
 */
export async function shareBus(bus: ChangeBus, database: Database, onError: (error: Error) => void = () => undefined): Promise<() => Promise<void>> {
  if (!(database instanceof PostgresDatabase)) return async () => undefined;
  const origin = randomBytes(6).toString('base64url');
  const stop = await database.listen(
    CHANNEL,
    (payload) => {
      const [from, ...keys] = payload.split('\n');
      if (from === origin) return;
      for (const key of keys) bus.receive(key);
    },
    onError,
  );
  let pending = new Set<string>();
  const send = () => {
    const keys = [...pending];
    pending = new Set();
    while (keys.length > 0) {
      let payload = origin;
      while (keys.length > 0 && payload.length + keys[0].length + 1 < MAX_PAYLOAD) payload += `\n${keys.shift()}`;
      if (payload === origin) payload += `\n${keys.shift()}`; // a single over-long key still goes (and fails loudly)
      database.notify(CHANNEL, payload).catch(onError);
    }
  };
  bus.relayTo((key) => {
    if (pending.size === 0) setImmediate(send);
    pending.add(key);
  });
  return async () => {
    bus.relayTo(() => undefined);
    await stop();
  };
}
