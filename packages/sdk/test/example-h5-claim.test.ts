/**
 * examples/h5-claim in real Chromium: the page is bundled with the example's build.mjs (the SDK
 * from source, so no SDK build is needed) and served by the real server as its H5 directory, so
 * the page and the API share an origin, as the example's README suggests.
 */
import { createTestApp, systemClock, type TestApp } from '@hongbao/server';
import { Hongbao, type Code, type Packet } from '@hongbao/sdk';
import type { Browser, Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Per-file: jest ignores `testTimeout` in a project config when the root runs several projects.
jest.setTimeout(120_000);

const EXAMPLE = path.join(__dirname, '../../../examples/h5-claim');
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
// playwright-core is the example's devDependency, not the SDK's.
const { chromium } = createRequire(path.join(EXAMPLE, 'package.json'))('playwright-core') as typeof import('playwright-core');

let site: string;
let server: TestApp;
let baseURL: string;
let browser: Browser;
let sender: Hongbao;
let packet: Packet;
let code: Code;

beforeAll(async () => {
  site = mkdtempSync(path.join(tmpdir(), 'hongbao-h5-claim-'));
  execFileSync(process.execPath, [path.join(EXAMPLE, 'build.mjs'), '--sdk-source', '--outdir', path.join(site, 'dist')], { stdio: 'pipe' });
  copyFileSync(path.join(EXAMPLE, 'index.html'), path.join(site, 'index.html'));

  server = await createTestApp({ clock: systemClock, config: { h5Dir: site } });
  baseURL = await server.listen();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  const session = await new Hongbao({ baseURL }).sessions.create({ provider: 'dev', openid: 'h5-sender', name: '王老板' });
  sender = new Hongbao({ baseURL, auth: session.token });
  await sender.wallet.topup({ amount: 10_000 });
  packet = await sender.packets.create({ mode: 'random', total: 888, count: 2, message: '新年快乐' });
  code = await sender.codes.issue(packet.id);
});

afterEach(() => server.checkInvariants());
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(site, { recursive: true, force: true });
});

/** A browser context of its own: its own localStorage, so its own dev user. */
async function visitor(): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN' });
  context.setDefaultTimeout(30_000);
  return context.newPage();
}

async function open(page: Page, query: string): Promise<void> {
  await page.goto(`${baseURL}/index.html${query}`);
  await page.waitForSelector('body[data-ready="true"]');
}

const shownFen = async (page: Page) => Number(await page.locator('#amount').getAttribute('data-fen'));
const errorCode = (page: Page) => page.locator('#error').getAttribute('data-code');

describe('examples/h5-claim', () => {
  const amounts: number[] = [];

  it('opens ?token=, shows the cover, claims and shows the amount the server recorded', async () => {
    const page = await visitor();
    await open(page, `?token=${encodeURIComponent(code.token)}`);
    await expect(page.locator('#sender').innerText()).resolves.toBe('王老板');
    await expect(page.locator('#message').innerText()).resolves.toBe('新年快乐');
    await page.locator('[aria-label="拆开红包"]').click();
    await page.locator('#result:not([hidden])').waitFor();

    const fen = await shownFen(page);
    const { data } = await sender.packets.claims(packet.id);
    expect(data).toHaveLength(1);
    expect(fen).toBe(data[0].amount);
    expect(await page.locator('#amount').innerText()).toBe(`¥${(fen / 100).toFixed(2)}`);
    amounts.push(fen);

    // Claiming again (same browser, so the same user) is refused, and shows the earlier amount.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('[aria-label="拆开红包"]').click();
    await page.locator('#error:not([hidden])').waitFor();
    expect(await errorCode(page)).toBe('ALREADY_CLAIMED');
    expect(await page.locator('#error').innerText()).toContain('你已经领过这个红包了');
    expect(await shownFen(page)).toBe(fen);
    await page.context().close();
  });

  it('claims from a pasted /c/<token> link', async () => {
    const page = await visitor();
    await open(page, '');
    await page.locator('#code-input').fill(code.url);
    await page.locator('#paste button').click();
    await page.locator('[aria-label="拆开红包"]').click();
    await page.locator('#result:not([hidden])').waitFor();
    amounts.push(await shownFen(page));
    expect(amounts.reduce((sum, fen) => sum + fen, 0)).toBe(888);
    await page.context().close();
  });

  it('tells a third visitor, who scanned the QR code (/c/<token>), that the packet is all claimed', async () => {
    const page = await visitor();
    // The server redirects /c/<token> to its H5 directory's claim route, here the example page.
    await page.goto(code.url.replace(/^https?:\/\/[^/]+/, baseURL));
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('[aria-label="拆开红包"]').click();
    await page.locator('#error:not([hidden])').waitFor();
    expect(await errorCode(page)).toBe('PACKET_EXHAUSTED');
    expect(await page.locator('#error').innerText()).toContain('手慢了，红包派完了');
    await page.context().close();
  });

  it('says a bad token is invalid', async () => {
    const page = await visitor();
    await open(page, '?token=not-a-real-token');
    await page.locator('#error:not([hidden])').waitFor();
    expect(await errorCode(page)).toBe('CODE_INVALID');
    expect(await page.locator('#error').innerText()).toContain('无效的红包码');
    await page.context().close();
  });
});
