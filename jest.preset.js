/**
 * Shared jest settings for every package: TypeScript through @swc/jest (CommonJS output) and
 * workspace packages mapped to their sources so tests never need a sibling build.
 */
const path = require('node:path');

/** Dependencies published as ESM only; jest runs CommonJS, so swc transforms them too. */
const ESM_ONLY = ['cookie', 'content-disposition'];
const esm = ESM_ONLY.join('|');

module.exports = function preset(dirname, overrides = {}) {
  return {
    rootDir: dirname,
    displayName: path.basename(dirname),
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.(t|j)sx?$': [
        '@swc/jest',
        { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true } }, module: { type: 'commonjs' } },
      ],
    },
    transformIgnorePatterns: [`/node_modules/(?!\\.pnpm/(${esm})@)(?!(${esm})/)`],
    moduleNameMapper: {
      '^@hongbao/([a-z-]+)$': path.join(__dirname, 'packages/$1/src'),
    },
    ...overrides,
  };
};
