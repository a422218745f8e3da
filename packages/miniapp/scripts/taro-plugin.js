/**
 * The app's Taro plugin.
 *
 * 1. Accessibility on weapp: Taro renders every component through generated templates that carry
 *    only the attributes it knows, and it knows no ARIA. WeChat supports `aria-label`, `aria-role`
 *    and friends (base library 2.7.1+), so they are added to the components the app uses, and a
 *    label set in JSX reaches the screen reader.
 * 2. After every weapp build, prints the size of the main package (WeChat refuses a
 * main package over 2 MB) and fails the build when it is over the limit. The app has no
 * subpackages, so the main package is everything in the output folder except the source maps,
 * which the developer tools never upload.
 */
const fs = require('node:fs');
const path = require('node:path');

const LIMIT_BYTES = 2 * 1024 * 1024;

function packageBytes(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += packageBytes(full);
    else if (!entry.name.endsWith('.map')) total += fs.statSync(full).size;
  }
  return total;
}

const ARIA = { 'aria-label': '', 'aria-role': '', 'aria-live': '', 'aria-hidden': '', 'aria-checked': '', 'aria-disabled': '', 'aria-selected': '' };
const LABELLED_COMPONENTS = ['View', 'Text', 'Button', 'Image', 'Input', 'Textarea', 'Switch', 'Canvas'];

module.exports = (ctx) => {
  ctx.modifyWebpackChain(({ chain }) => {
    if (!chain.plugins.has('miniPlugin')) return;
    const [options] = chain.plugin('miniPlugin').get('args');
    const template = options && options.combination && options.combination.config.template;
    if (!template || !template.internalComponents) return;
    for (const name of LABELLED_COMPONENTS) Object.assign(template.internalComponents[name], ARIA);
  });
  ctx.onBuildFinish(() => {
    if (process.env.TARO_ENV !== 'weapp') return;
    const outputPath = ctx.paths.outputPath;
    if (!fs.existsSync(outputPath)) return;
    const bytes = packageBytes(outputPath);
    const kb = (bytes / 1024).toFixed(1);
    const percent = ((bytes / LIMIT_BYTES) * 100).toFixed(1);
    console.log(`weapp main package: ${kb} KB (${percent}% of the 2 MB limit) in ${path.relative(process.cwd(), outputPath)}`);
    if (bytes > LIMIT_BYTES) {
      console.error('weapp main package is over the 2 MB limit');
      process.exitCode = 1;
    }
  });
};
