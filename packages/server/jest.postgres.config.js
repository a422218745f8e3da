/**
 * The server's whole suite again, on PostgreSQL: every test app gets a fresh database on the server
 * at HONGBAO_TEST_PG (default postgres://postgres@127.0.0.1:5432/postgres), copied from a migrated
 * template made once per run. Fails, never skips, when PostgreSQL cannot be reached.
 */
const base = require('../../jest.preset')(__dirname, { testTimeout: 30000 });

module.exports = {
  ...base,
  displayName: 'server-postgres',
  globalSetup: '<rootDir>/test/setup/postgres-global.ts',
  globalTeardown: '<rootDir>/test/setup/postgres-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/postgres-env.js'],
  // The PostgreSQL-only suites (two processes, crash) run in the SQLite project too, where they pick their store themselves.
  testPathIgnorePatterns: ['/node_modules/', '/test/store/', '/test/scale/'],
};
