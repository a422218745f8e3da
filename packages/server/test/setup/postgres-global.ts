/**
 * Once per run: a migrated template database that each test app's database is copied from
 * (CREATE DATABASE … TEMPLATE is far quicker than migrating every time). Fails the run, with the
 * reason, when PostgreSQL cannot be reached.
 */
import { randomBytes } from 'node:crypto';
import { createPostgresDatabase, PostgresDatabase } from '../../src/store/postgres';

export const TEST_PG_SERVER = process.env.HONGBAO_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function setup(): Promise<void> {
  const name = `hongbao_tpl_${randomBytes(4).toString('hex')}`;
  let url: string;
  try {
    url = await createPostgresDatabase(TEST_PG_SERVER, name);
  } catch (error) {
    throw new Error(`The PostgreSQL suite needs a PostgreSQL server at ${TEST_PG_SERVER} (set HONGBAO_TEST_PG): ${(error as Error).message}`);
  }
  const database = new PostgresDatabase(url, { poolSize: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  process.env.HONGBAO_TEST_PG = TEST_PG_SERVER;
  process.env.HONGBAO_TEST_PG_TEMPLATE = name;
}
