/**
 * Size budget of the SDK core (issue 3): the built ESM entry bundled for browsers and minified,
 * with crypto-js included and axios left out (apps have axios anyway, or swap it for Taro's
 * adapter), must gzip to at most 15 KB. Prints the sizes; exits 1 above the budget.
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BUDGET_BYTES = 15 * 1024;
const root = fileURLToPath(new URL('..', import.meta.url));

async function measure(entry) {
  const result = await build({
    entryPoints: [`${root}/dist/${entry}`],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['axios'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const text = new TextDecoder().decode(code);
  for (const forbidden of ['@sinclair/typebox', 'TypeBox', 'node:']) {
    if (text.includes(forbidden)) throw new Error(`${entry} bundles "${forbidden}": the core must not pull in TypeBox or Node built-ins.`);
  }
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

if (!existsSync(`${root}/dist/index.mjs`)) {
  console.error('check-size: dist/index.mjs is missing; run the SDK build first.');
  process.exit(1);
}
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const core = await measure('index.mjs');
const taro = await measure('taro.mjs');
console.log(`@hongbao/sdk core: ${kb(core.minified)} minified, ${kb(core.gzip)} min+gzip (budget ${kb(BUDGET_BYTES)}, axios excluded)`);
console.log(`@hongbao/sdk/taro: ${kb(taro.minified)} minified, ${kb(taro.gzip)} min+gzip`);
if (core.gzip > BUDGET_BYTES) {
  console.error(`check-size: the core is ${kb(core.gzip - BUDGET_BYTES)} over its budget.`);
  process.exit(1);
}
