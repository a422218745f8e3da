const path = require('node:path');

const root = path.resolve(__dirname, '..');
const workspace = path.resolve(root, '../..');
/** Workspace packages compiled from their TypeScript sources, so the mini-program never needs their dist. */
const workspaceSources = [path.join(workspace, 'packages/sdk/src'), path.join(workspace, 'packages/protocol/src')];

/**
 * Build-time settings, all from the environment so that one build config serves development and
 * production:
 * - HONGBAO_API_URL: the server the weapp build talks to (H5 talks to the origin that served it).
 * - HONGBAO_LOGIN: `dev` (development server, default) or `wechat` (Taro.login in production).
 */
const constants = {
  HONGBAO_API_URL: JSON.stringify(process.env.HONGBAO_API_URL || 'http://127.0.0.1:8080'),
  HONGBAO_LOGIN: JSON.stringify(process.env.HONGBAO_LOGIN || 'dev'),
};

module.exports = function config(merge) {
  const base = {
    projectName: 'hongbao',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [path.join(root, 'scripts/taro-plugin.js')],
    defineConstants: constants,
    alias: {
      '@hongbao/sdk/taro': path.join(workspace, 'packages/sdk/src/taro.ts'),
      '@hongbao/sdk$': path.join(workspace, 'packages/sdk/src/index.ts'),
      '@hongbao/protocol/src': path.join(workspace, 'packages/protocol/src'),
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    logger: { quiet: true, stats: false },
    mini: {
      compile: { include: workspaceSources },
      postcss: { pxtransform: { enable: true, config: {} }, cssModules: { enable: false } },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: workspaceSources },
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[contenthash:8].css', chunkFilename: 'css/[name].[chunkhash].css' },
      postcss: { autoprefixer: { enable: true, config: {} }, cssModules: { enable: false } },
    },
  };
  return merge({}, base);
};
