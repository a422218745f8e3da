export { buildApp, type AppOptions } from './app';
export { loadConfig, DEFAULT_CONFIG, ConfigError, type Config } from './config';
export { ManualClock, systemClock, type Clock } from './clock';
export { seededRandom, cryptoRandom, type RandomSource } from './domain/random';
export { SqliteDatabase } from './store/database';
export type { Database, Statement, Dialect } from './store/sql';
export { assertInvariants, findInvariantViolations } from './testing/invariants';
export { createTestApp, signRequest, type TestApp } from './testing/harness';
