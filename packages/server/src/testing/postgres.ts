import { randomBytes } from 'node:crypto';
import { createPostgresDatabase, dropPostgresDatabase } from '../store/postgres';

/** The PostgreSQL server tests make their databases on. */
export const testPostgresServer = (): string => process.env.HONGBAO_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, empty PostgreSQL database for one test (copied from the run's migrated template when the
 * PostgreSQL jest project made one); `drop` removes it.
 */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = testPostgresServer();
  const name = `hongbao_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = await createPostgresDatabase(server, name, process.env.HONGBAO_TEST_PG_TEMPLATE);
  return { url, drop: () => dropPostgresDatabase(server, name) };
}
