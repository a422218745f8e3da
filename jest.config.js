/** Root jest config: runs every package's suite as one jest project each. */
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/packages/server/jest.postgres.config.js'],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  // A global option: per-project configs cannot set it.
  testTimeout: 30000,
};
