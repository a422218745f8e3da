import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_H5_DIR, claimPagePath, resolveH5Dir } from '../src/routes/web';
import { createTestApp, type TestApp } from '../src/testing/harness';

const TOKEN = 'hb1.AbC-_x9';

let t: TestApp;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hongbao-h5-'));
});
afterEach(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in for the mini-program's H5 build: an index page and one asset. */
function fakeH5(): string {
  const h5 = join(dir, 'h5');
  mkdirSync(join(h5, 'js'), { recursive: true });
  writeFileSync(join(h5, 'index.html'), '<!doctype html><title>H5</title><div id="app"></div>');
  writeFileSync(join(h5, 'js', 'app.js'), 'console.log("h5")');
  writeFileSync(join(h5, '.env'), 'SECRET=1');
  return h5;
}

describe('with the H5 build present', () => {
  beforeEach(async () => {
    t = await createTestApp({ config: { h5Dir: fakeH5() } });
  });

  it('redirects /c/<token> to the H5 claim page with the token encoded', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/c/${encodeURIComponent('a b+c/d')}` });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/#/pages/claim/index?token=a%20b%2Bc%2Fd');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(claimPagePath(TOKEN)).toBe(`/#/pages/claim/index?token=${TOKEN}`);
  });

  it('serves the H5 index at / and its assets without a session', async () => {
    const index = await t.app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.body).toContain('<div id="app">');
    const asset = await t.app.inject({ method: 'GET', url: '/js/app.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("h5")');
  });

  it('does not serve dotfiles from the H5 folder', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.env' });
    expect(res.statusCode).toBe(404);
  });

  it('leaves /v1, /healthz and /metrics to the API', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).toContain('hongbao_http_requests_total');
    expect((await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json().openapi).toBe('3.1.0');
    const wallet = await t.app.inject({ method: 'GET', url: '/v1/wallet' });
    expect(wallet.statusCode).toBe(401);
    expect(wallet.json().error.code).toBe('UNAUTHENTICATED');
    const { token } = await t.login('alice');
    const me = await t.app.inject({ method: 'GET', url: '/v1/wallet', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
  });

  it('answers an unknown /v1 path with the JSON NOT_FOUND error, not a file or HTML', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('keeps the static files out of the OpenAPI document', async () => {
    const paths = Object.keys((await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json().paths);
    expect(paths.filter((path) => !path.startsWith('/v1/'))).toEqual([]);
  });
});

describe('without an H5 build', () => {
  beforeEach(async () => {
    // An empty folder: no index.html, so the built-in pages answer.
    t = await createTestApp({ config: { h5Dir: dir } });
  });

  it('shows a friendly Chinese-first page for /c/<token> with the token and the resolve hint', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/c/${TOKEN}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain('请用红包小程序扫码领取');
    expect(res.body.indexOf('请用红包小程序扫码领取')).toBeLessThan(res.body.indexOf('Scan it with the Hongbao mini-program'));
    expect(res.body).toContain(`<code>${TOKEN}</code>`);
    expect(res.body).toContain(`GET /v1/codes/resolve?token=${TOKEN}`);
  });

  it('escapes a token that carries markup', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/c/${encodeURIComponent('<script>alert(1)</script>')}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain('&lt;script&gt;');
  });

  it('shows a landing page at / that names the API docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('href="/v1/openapi.json"');
  });

  it('keeps the pages public and out of the OpenAPI document', async () => {
    const paths = Object.keys((await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json().paths);
    expect(paths).not.toContain('/');
    expect(paths).not.toContain('/c/{token}');
    expect(paths).toEqual(expect.arrayContaining(['/v1/sessions']));
  });

  it('still answers an unknown path with the JSON NOT_FOUND error', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});

describe('resolveH5Dir', () => {
  it('uses the configured folder when it holds an index.html', () => {
    const h5 = fakeH5();
    expect(resolveH5Dir(h5, join(dir, 'elsewhere'))).toBe(h5);
  });

  it('falls back to the repository build when nothing is configured', () => {
    const h5 = fakeH5();
    expect(resolveH5Dir(null, h5)).toBe(h5);
  });

  it('gives null when the folder has no index.html', () => {
    expect(resolveH5Dir(dir)).toBeNull();
    expect(resolveH5Dir(null, join(dir, 'missing'))).toBeNull();
  });

  it('looks for the mini-program build beside the server package', () => {
    expect(BUNDLED_H5_DIR).toBe(join(__dirname, '..', '..', 'miniapp', 'dist', 'h5'));
  });
});
