/** Root jest config: runs every package's suite as one jest project each. */
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/packages/server/jest.postgres.config.js'],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  // A global option: per-project configs cannot set it.
  testTimeout: 30000,
  // Each test file runs in its own vm context, and a context that anything process-wide still
  // points at (native modules, async-hook storages, perf observers) is never collected: one worker
  // running every suite grows by ~100 MB a file. A worker past this after a file is replaced (and
  // setting it makes jest use a worker even for one). Plain Node does not leak here: 100 apps
  // opened and closed in one process end where they started.
  workerIdleMemoryLimit: '1GB',
};
