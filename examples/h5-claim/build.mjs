/**
 * Bundles src/main.ts and the SDK into dist/app.js for the browser.
 *
 *   node build.mjs                    # uses the SDK's build (pnpm --filter @hongbao/sdk build first)
 *   node build.mjs --sdk-source       # bundles the SDK from packages/sdk/src instead (the tests do)
 *   node build.mjs --outdir some/dir  # writes some/dir/app.js
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outdirAt = args.indexOf('--outdir');
const outdir = outdirAt >= 0 ? path.resolve(args[outdirAt + 1]) : path.join(here, 'dist');
const fromSource = args.includes('--sdk-source');

await build({
  entryPoints: [path.join(here, 'src/main.ts')],
  outfile: path.join(outdir, 'app.js'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  alias: fromSource ? { '@hongbao/sdk': path.join(here, '../../packages/sdk/src/index.ts') } : {},
  logLevel: 'warning',
});
console.log(`built ${path.join(outdir, 'app.js')}`);
