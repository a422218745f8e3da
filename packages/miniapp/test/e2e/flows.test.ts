/**
 * End to end in real Chromium against the H5 build served by the real server (SQLite, dev login,
 * sandbox rail): every user is a browser context of their own, so a user of their own.
 */
import type { TestApp } from '@hongbao/server';
import type { Browser, Page } from 'playwright-core';
import { decodeQr, phone, prerequisitesMissing, screenshot, useE2E } from '../helpers/browser';

// Per-file: jest ignores `testTimeout` in a project config when the root runs several projects.
jest.setTimeout(180_000);

const missing = prerequisitesMissing();
if (missing) throw new Error(`end-to-end prerequisites: ${missing}`);

const e2e = useE2E();
let server: TestApp;
let baseURL: string;
let browser: Browser;

beforeAll(async () => {
  ({ server, baseURL, browser } = e2e);
});

/** The claim page once the code is resolved and "開" can be pressed. */
async function claimCover(page: Page): Promise<void> {
  await page.waitForSelector('.screen-claim .envelope[data-ready="true"] .open-button');
}

const tap = (page: Page, label: string) => page.locator(`[aria-label="${label}"]`).first().click();
const fenOf = (text: string) => Math.round(Number(text.replace(/[¥,\s]/g, '')) * 100);

async function openHome(page: Page): Promise<void> {
  // A query string of its own makes this a real page load, not a hash change on the current page.
  await page.goto(`${baseURL}/?visit=${Date.now()}`);
  await page.waitForSelector('.screen-home .hero__greeting');
}

async function topUp(page: Page): Promise<void> {
  await tap(page, '充值 ¥100（开发环境）');
  await page.waitForFunction(() => document.querySelector('.hero__balance')?.textContent?.includes('¥100.00'));
}

/** Fills the four send steps for a random packet; leaves the page on step 4, ready to pay. */
async function fillSendForm(page: Page, amount: string, count: string, message: string): Promise<void> {
  await tap(page, '发红包');
  await page.waitForSelector('.screen-send .step-1');
  await tap(page, '下一步');
  await page.locator('.screen-send .amount-input input').fill(amount);
  await page.locator('.screen-send .count-input input').fill(count);
  await page.locator('.screen-send .step-2 [aria-label="下一步"]').click();
  await page.locator('.screen-send .message-input textarea').fill(message);
  await page.locator('.screen-send .step-3 [aria-label="下一步"]').click();
  await page.waitForSelector('.screen-send .step-4');
}

async function sentPacketCount(page: Page): Promise<number> {
  await page.goto(`${baseURL}/?visit=${Date.now()}#/pages/history/index`);
  await page.waitForSelector('.screen-history .list');
  await page.waitForFunction(() => document.querySelectorAll('.screen-history .list-row').length > 0 || !!document.querySelector('.screen-history .hint'));
  return page.locator('.screen-history .list-row').count();
}

describe('the mini-program in a browser', () => {
  let sender: Page;
  let codeUrl: string;

  test('A tops up and sends a random packet of ¥10.00 in 5 shares, then shows its dynamic code', async () => {
    ({ page: sender } = await phone(browser));
    await openHome(sender);
    await screenshot(sender, '01-home');
    await topUp(sender);
    await fillSendForm(sender, '10.00', '5', '新年快乐');
    await screenshot(sender, '02-send-confirm', 'send.png');
    await tap(sender, '塞钱进红包 ¥10.00');

    await sender.waitForSelector('.screen-code .qr__image');
    await sender.waitForFunction(() => /秒后自动刷新/.test(document.querySelector('.screen-code .countdown')?.textContent ?? ''));
    await screenshot(sender, '03-code', 'code.png');
    codeUrl = (await decodeQr(sender, '.screen-code .qr__image'))!;
    expect(codeUrl).toMatch(new RegExp(`^${baseURL}/c/[A-Za-z0-9_-]+$`));
  });

  test('B–F, each in their own browser, claim through the /c/<token> link', async () => {
    const amounts: number[] = [];
    for (const name of ['B', 'C', 'D', 'E', 'F']) {
      const { context, page } = await phone(browser);
      await page.goto(codeUrl);
      await page.waitForURL(/#\/pages\/claim\/index\?token=/);
      await claimCover(page);
      const open = page.locator('[aria-label="拆开红包"]');
      if (name === 'B') await screenshot(page, '04-claim-cover');
      await open.click();
      const amount = page.locator('.screen-claim .claim-result__amount');
      await amount.waitFor();
      amounts.push(fenOf(await amount.innerText()));
      if (name === 'B') await screenshot(page, '05-claim-result');
      if (name === 'F') {
        // Claiming again shows the earlier amount instead of a second share.
        await page.reload();
        await claimCover(page);
        await page.locator('[aria-label="拆开红包"]').click();
        await page.locator('.claim-result--already').waitFor();
        expect(fenOf(await page.locator('.claim-result--already .claim-result__amount').innerText())).toBe(amounts[amounts.length - 1]);
      }
      await context.close();
    }
    expect(amounts).toHaveLength(5);
    expect(amounts.reduce((sum, fen) => sum + fen, 0)).toBe(1000);
    expect(amounts.every((fen) => fen >= 1)).toBe(true);
  });

  test('a sixth person is told the packet is all claimed', async () => {
    const { context, page } = await phone(browser);
    await page.goto(codeUrl);
    await claimCover(page);
    await page.locator('[aria-label="拆开红包"]').click();
    await page.locator('.claim-failed[data-code="PACKET_EXHAUSTED"]').waitFor();
    expect(await page.locator('.claim-failed').innerText()).toContain('手慢了');
    await context.close();
  });

  test("A's detail page reaches 5/5 with a luckiest, the claims sum to ¥10.00 and the split verifies", async () => {
    await tap(sender, '查看领取详情');
    await sender.waitForSelector('.screen-detail .progress[data-claimed="5"]');
    await sender.waitForSelector('.screen-detail .luckiest-card');
    await sender.waitForFunction(() => document.querySelectorAll('.screen-detail .claim-row').length === 5);
    const fens = await sender.locator('.screen-detail .claim-row__amount').evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('data-fen'))));
    expect(fens.reduce((sum, fen) => sum + fen, 0)).toBe(1000);
    expect(await sender.locator('.screen-detail .claim-row--luckiest').count()).toBe(1);
    await sender.waitForSelector('.screen-detail .fairness--ok');
    expect(await sender.locator('.screen-detail .progress').innerText()).toContain('5/5');
    await screenshot(sender, '06-detail', 'detail.png');
    server.checkInvariants();
  });

  test('a draft survives a network failure on submit, and retrying it never makes a second packet', async () => {
    await openHome(sender);
    const before = await sentPacketCount(sender);
    await openHome(sender);
    // The server gets the request and creates the packet, but the answer never reaches the app.
    let attempts = 0;
    await sender.route('**/v1/packets', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      attempts += 1;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await fillSendForm(sender, '3.00', '2', '网络断了也不怕');
    await tap(sender, '塞钱进红包 ¥3.00');
    await sender.locator('.screen-send .submit-failed').waitFor();
    expect(await sender.locator('.screen-send .submit-failed').innerText()).toContain('网络');
    expect(attempts).toBeGreaterThanOrEqual(1);
    await screenshot(sender, '07-send-failed');

    await sender.unroute('**/v1/packets');
    await openHome(sender);
    await sender.locator('.draft-offer').waitFor();
    expect(await sender.locator('.draft-offer').innerText()).toContain('¥3.00');
    await tap(sender, '继续');
    await sender.waitForSelector('.screen-send .step-4');
    await tap(sender, '塞钱进红包 ¥3.00');
    await sender.waitForSelector('.screen-code .qr__image');

    expect(await sentPacketCount(sender)).toBe(before + 1);
    server.checkInvariants();
  });

  test('the collect-code page shows a payment arriving and announces it', async () => {
    await sender.goto(`${baseURL}/?visit=${Date.now()}#/pages/collect/index`);
    await sender.waitForSelector('.screen-collect .qr__image');
    const collectUrl = (await decodeQr(sender, '.screen-collect .qr__image'))!;
    expect(collectUrl).toMatch(/\/c\/[A-Za-z0-9_-]+$/);

    const { context, page: payer } = await phone(browser);
    await openHome(payer);
    await topUp(payer);
    await payer.goto(collectUrl);
    await payer.waitForSelector('.screen-pay .pay-card');
    await payer.locator('.screen-pay .amount-input input').fill('8.88');
    await payer.locator('.screen-pay .message-input input').fill('恭喜发财');
    await screenshot(payer, '08-pay');
    await tap(payer, '付款 ¥8.88');
    await payer.waitForSelector('.screen-pay .pay-done');

    await sender.waitForSelector('.screen-collect .payment-row');
    expect(await sender.locator('.screen-collect .payment-row').first().innerText()).toContain('¥8.88');
    await sender.waitForSelector('.screen-collect .last-arrival');
    expect(await sender.locator('.screen-collect .last-arrival').innerText()).toContain('收款到账 ¥8.88');
    const spoken = await sender.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);
    expect(spoken).toContain('收款到账 8.88元');
    await screenshot(sender, '09-collect');
    await context.close();
    server.checkInvariants();
  });
});
