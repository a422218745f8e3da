/**
 * Once per run: a migrated template database that each test app's database is copied from
 * (CREATE DATABASE … TEMPLATE is far quicker than migrating every time). Fails the run, with the
 * reason, when PostgreSQL cannot be reached.
 */
import { randomBytes } from 'node:crypto';
import { createPostgresDatabase, PostgresDatabase } from '../../src/store/postgres';
import { testPostgresServer } from '../../src/testing/postgres';

export default async function setup(): Promise<void> {
  const server = testPostgresServer();
  const name = `hongbao_tpl_${randomBytes(4).toString('hex')}`;
  let url: string;
  try {
    url = await createPostgresDatabase(server, name);
  } catch (error) {
    throw new Error(`The PostgreSQL suite needs a PostgreSQL server at ${server} (set HONGBAO_TEST_PG): ${(error as Error).message}`);
  }
  const database = new PostgresDatabase(url, { poolSize: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  process.env.HONGBAO_TEST_PG = server;
  process.env.HONGBAO_TEST_PG_TEMPLATE = name;
}
