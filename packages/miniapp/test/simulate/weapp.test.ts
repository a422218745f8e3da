/**
 * @jest-environment jsdom
 *
 * The real weapp build under miniprogram-simulate: what WeChat would render from dist/weapp.
 */
import jsQR from 'jsqr';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadWeapp, rasterize, WEAPP_DIR, type Responder } from '../helpers/weapp';

// Per-file: jest ignores `testTimeout` in a project config when the root runs several projects.
jest.setTimeout(60_000);

if (!existsSync(path.join(WEAPP_DIR, 'app.js'))) throw new Error('the weapp build is missing: pnpm --filter @hongbao/miniapp build:weapp');

const NOW = new Date().toISOString();
const CODE_URL = 'https://hb.example.com/c/AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abcdefghijklmnopqrstuvwxyz';
const user = { id: 'usr_a', kind: 'user', name: '小明', tier: 'personal', role: 'user', region: null, createdAt: NOW };
const packet = {
  id: 'pkt_1', senderId: 'usr_a', senderName: '小明', mode: 'random', algorithm: 'double-mean', total: 1000, count: 5, message: '新年快乐', scene: 'general',
  recipientId: null, status: 'active', claimedCount: 0, claimedAmount: 0, refundedAmount: 0, version: 1, commitment: 'c'.repeat(64), luckiest: null,
  createdAt: NOW, expiresAt: NOW, finishedAt: null, refundedAt: null,
};
const code = {
  id: 'cod_1', kind: 'claim', status: 'active', ownerId: 'usr_a', packetId: 'pkt_1', fixedAmount: null, scene: null, title: null, geofence: null, version: 1,
  token: CODE_URL.split('/c/')[1], url: CODE_URL, keyId: 1, issuedAt: NOW, expiresAt: new Date(Date.now() + 120_000).toISOString(), refreshAt: new Date(Date.now() + 60_000).toISOString(),
};

const respond: Responder = ({ method, url }) => {
  const { pathname } = new URL(url);
  if (method === 'POST' && pathname === '/v1/sessions') return { status: 200, body: { token: 'session-token', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), user } };
  if (method === 'GET' && pathname === '/v1/me') {
    return {
      status: 200,
      body: { user, wallet: { accountId: 'usr_a', currency: 'CNY', balance: 5_000, pendingSettlement: 0 }, usage: { singleLimit: 20_000, dailyLimit: 100_000, usedToday: 0, remainingToday: 100_000, businessDay: '2026-01-01' } },
    };
  }
  if (method === 'GET' && pathname === '/v1/packets/pkt_1') return { status: 200, body: { packet } };
  if (method === 'POST' && pathname === '/v1/packets/pkt_1/codes') return { status: 201, body: { code } };
  if (method === 'POST' && pathname === '/v1/codes/cod_1/refresh') return { status: 200, body: { code } };
  return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'Not found.', requestId: 'req' } } };
};

const weapp = loadWeapp(respond);
const text = (dom: HTMLElement) => dom.textContent ?? '';

test('home renders the balance and the four entry points in Chinese', async () => {
  const home = await weapp.render('pages/home/index');
  await home.until((dom) => text(dom).includes('¥50.00'), 'the balance');
  for (const label of ['发红包', '收款码', '扫一扫', '账单记录']) expect(text(home.component.dom)).toContain(label);
});

test('the weapp templates carry the aria labels the app sets (simulate does not render them)', () => {
  const templates = readFileSync(path.join(WEAPP_DIR, 'base.wxml'), 'utf8');
  for (const tag of ['button', 'view', 'text', 'input', 'canvas']) {
    const element = new RegExp(`<${tag} [^>]*aria-label="\\{\\{i\\.`).exec(templates);
    expect(element).not.toBeNull();
  }
});

test('the send flow validates the amount against the tier limit before going on', async () => {
  const send = await weapp.render('pages/send/index');
  await send.until((dom) => text(dom).includes('第 1 步'), 'step 1');
  send.component.querySelector('.next')!.dispatchEvent('tap');
  await send.until((dom) => text(dom).includes('第 2 步'), 'step 2');

  send.component.querySelector('.amount-input')!.dispatchEvent('input', { detail: { value: '300' } });
  send.component.querySelector('.count-input')!.dispatchEvent('input', { detail: { value: '5' } });
  await send.until((dom) => text(dom).includes('单个红包总额不能超过 ¥200.00'), 'the single-limit message');

  send.component.querySelector('.amount-input')!.dispatchEvent('input', { detail: { value: '80' } });
  await send.until((dom) => text(dom).includes('余额不足'), 'the balance message');

  send.component.querySelector('.amount-input')!.dispatchEvent('input', { detail: { value: '10' } });
  await send.until((dom) => !text(dom).includes('余额不足') && text(dom).includes('¥10.00'), 'a valid amount');
  send.component.querySelector('.step-2 .next')!.dispatchEvent('tap');
  await send.until((dom) => text(dom).includes('第 3 步'), 'step 3');
});

test('the code page draws a QR whose canvas calls decode to the code URL, exported for the long-pressable image', async () => {
  const page = await weapp.render('pages/code/index', { packetId: 'pkt_1' });
  await page.until((dom) => text(dom).includes('秒后自动刷新'), 'the countdown');
  const deadline = Date.now() + 5_000;
  while (![...weapp.canvases.values()].some((calls) => calls.some((call) => call.name === 'fillRect')) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [calls] = [...weapp.canvases.values()];
  expect(calls?.length).toBeGreaterThan(100);
  const size = 220;
  const decoded = jsQR(rasterize(calls!, size, size), size, size);
  expect(decoded?.data).toBe(CODE_URL);
  expect(weapp.requests.some((request) => request.method === 'POST' && request.url.endsWith('/v1/packets/pkt_1/codes'))).toBe(true);

  // A canvas cannot be long-pressed to scan: the drawing becomes an <Image show-menu-by-longpress>.
  // (simulate does not render the resulting image's src, so the export call is what is checked)
  expect(weapp.exports).toContain([...weapp.canvases.keys()][0]);
});

