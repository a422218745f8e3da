// Tells the test harness (src/testing/harness.ts) to give each test app a PostgreSQL database.
process.env.HONGBAO_TEST_DB = 'postgres';
