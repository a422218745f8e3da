import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RouteModule } from './types';

/**
 * Where the mini-program's H5 build lands in this repository. Resolved from this file, which sits
 * in `packages/server/src/routes` under tests and `packages/server/dist/routes` when built.
 */
export const BUNDLED_H5_DIR = resolve(__dirname, '../../../miniapp/dist/h5');

/** The H5 build to serve: the configured folder, else the repository's own build; null when neither holds an index.html. */
export function resolveH5Dir(configured: string | null, fallback: string = BUNDLED_H5_DIR): string | null {
  const dir = resolve(configured ?? fallback);
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/** The H5 claim page (hash router), opened with the scanned token. */
export const claimPagePath = (token: string): string => `/#/pages/claim/index?token=${encodeURIComponent(token)}`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

const STYLE = `body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#fff5f0;color:#333;margin:0;padding:2rem 1rem}
main{max-width:32rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 12px rgba(200,40,40,.12)}
h1{color:#d93a2b;font-size:1.4rem;margin-top:0}code,pre{background:#f6f6f6;border-radius:6px;padding:.15rem .35rem;word-break:break-all;white-space:pre-wrap}
.en{color:#777}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body>
</html>
`;
}

function codePage(token: string): string {
  const hint = JSON.stringify(
    {
      token,
      resolve: `GET /v1/codes/resolve?token=${encodeURIComponent(token)}`,
      claim: 'POST /v1/claims {"token": "…"}',
      pay: 'POST /v1/payments {"token": "…", "amount": 100}',
      docs: '/v1/openapi.json',
    },
    null,
    2,
  );
  return page(
    '红包码 · Hongbao',
    `<h1>🧧 这是一个红包码</h1>
<p>请用红包小程序扫码领取。收款码请在小程序中扫码付款。</p>
<p class="en">This is a Hongbao code. Scan it with the Hongbao mini-program to claim the red packet (or to pay, for a collect code).</p>
<p>码 Token: <code>${escapeHtml(token)}</code></p>
<p>开发者 Developers: <a href="/v1/codes/resolve?token=${escapeHtml(encodeURIComponent(token))}">GET /v1/codes/resolve?token=…</a> tells what this code is (with a session).</p>
<pre>${escapeHtml(hint)}</pre>`,
  );
}

const LANDING = page(
  'Hongbao 红包',
  `<h1>🧧 Hongbao 红包</h1>
<p>红包收款码平台的服务正在运行。</p>
<p class="en">The Hongbao red-packet payment-code service is running.</p>
<ul>
<li>API 文档 API docs (OpenAPI): <a href="/v1/openapi.json">/v1/openapi.json</a></li>
<li>健康检查 Health: <a href="/healthz">/healthz</a> · 指标 Metrics: <a href="/metrics">/metrics</a></li>
</ul>
<p class="en">The H5 mini-program is served here once it is built (packages/miniapp/dist/h5, or set HONGBAO_H5_DIR).</p>`,
);

/** Inline styles only; nothing else may load, and a token in the URL must not leak through a Referer. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
};

/**
 * The browser side: the H5 build of the mini-program at `/` when there is one, the landing page
 * otherwise, and `/c/<token>`, the URL inside every QR code, so any camera lands somewhere useful.
 */
const web: RouteModule = async (app, _services, ctx) => {
  const h5Dir = resolveH5Dir(ctx.config.h5Dir);
  const publicPage = { config: { auth: 'public' as const }, schema: { hide: true } };

  app.get<{ Params: { token: string } }>('/c/:token', publicPage, async (request, reply) => {
    const { token } = request.params;
    // Tokens rotate every minute: never let a cache answer for one.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (h5Dir) return reply.redirect(claimPagePath(token), 302);
    return reply.headers(PAGE_HEADERS).send(codePage(token));
  });

  if (!h5Dir) {
    app.get('/', publicPage, async (_request, reply) => reply.headers(PAGE_HEADERS).send(LANDING));
    return;
  }
  // The static files get their own scope so that marking its routes public touches nothing else.
  // Its wildcard route is the router's last resort: /v1, /healthz, /metrics and /c/* always win.
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: 'public' };
    });
    await scope.register(fastifyStatic, { root: h5Dir, prefix: '/', dotfiles: 'ignore', schemaHide: true });
  });
};

export default web;
