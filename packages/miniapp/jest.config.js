/**
 * The mini-program's tests, run by the root `pnpm test` as one jest project:
 * - test/unit: logic modules (node) and page components (jsdom, Taro mapped to small mocks);
 * - test/simulate: the real weapp build under miniprogram-simulate;
 * - test/e2e: the H5 build in Debian's Chromium, served by the real server.
 * The last two need `pnpm build` in this package first (the root `pnpm test` does it).
 */
const path = require('node:path');

const preset = require('../../jest.preset')(__dirname, {
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
});

module.exports = {
  ...preset,
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@hongbao/sdk/taro$': path.join(__dirname, '../sdk/src/taro.ts'),
    '^@hongbao/protocol/src/(.*)$': path.join(__dirname, '../protocol/src/$1'),
    ...preset.moduleNameMapper,
    '^@tarojs/taro$': '<rootDir>/test/mocks/taro.ts',
    '^@tarojs/components$': '<rootDir>/test/mocks/components.tsx',
    '\\.css$': '<rootDir>/test/mocks/style.ts',
  },
  globals: { HONGBAO_API_URL: 'http://127.0.0.1:1', HONGBAO_LOGIN: 'dev' },
};
