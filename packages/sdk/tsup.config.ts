import { defineConfig } from 'tsup';

/**
 * ESM + CJS + declarations for `.` and `./taro`. The protocol's plain modules are bundled in (the
 * SDK has no runtime dependency on `@hongbao/protocol`); axios and crypto-js stay dependencies.
 */
export default defineConfig({
  entry: { index: 'src/index.ts', taro: 'src/taro.ts' },
  format: ['esm', 'cjs'],
  dts: { resolve: [/^@hongbao\/protocol/] },
  noExternal: ['@hongbao/protocol'],
  platform: 'neutral',
  // Mini-program runtimes run bundles as published (Taro does not transpile node_modules): stay on ES2018.
  target: 'es2018',
  splitting: false,
  sourcemap: true,
  clean: true,
  treeshake: true,
  silent: true,
});
