import { dropPostgresDatabase } from '../../src/store/postgres';

/** Drops the run's template database. */
export default async function teardown(): Promise<void> {
  const name = process.env.HONGBAO_TEST_PG_TEMPLATE;
  if (name) await dropPostgresDatabase(process.env.HONGBAO_TEST_PG!, name);
}
