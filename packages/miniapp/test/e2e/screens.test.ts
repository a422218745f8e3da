/**
 * Every page as a person sees it, in real Chromium against the H5 build and the real server, in
 * Chinese, in English and with large text: screenshots go to test-output/e2e/screen-*.png, and each page
 * is checked for unlabelled controls and for text that the large-text setting does not enlarge.
 */
import type { TestApp } from '@hongbao/server';
import type { Browser, Page } from 'playwright-core';
import { phone, prerequisitesMissing, screenshot, useE2E } from '../helpers/browser';

jest.setTimeout(180_000);

const missing = prerequisitesMissing();
if (missing) throw new Error(`end-to-end prerequisites: ${missing}`);

const e2e = useE2E();
let server: TestApp;
let baseURL: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, baseURL, browser } = e2e);
  ({ page } = await phone(browser));
  await page.goto(`${baseURL}/?visit=${Date.now()}`);
  await page.waitForSelector('.screen-home .hero__greeting');
  await page.locator('[aria-label="充值 ¥100（开发环境）"]').click();
  await page.waitForFunction(() => document.querySelector('.hero__balance')?.textContent?.includes('¥100.00'));
});

const PAGES: Array<{ name: string; hash: string; ready: string }> = [
  { name: 'home', hash: '/pages/home/index', ready: '.hero__balance' },
  { name: 'send', hash: '/pages/send/index', ready: '.step' },
  { name: 'history', hash: '/pages/history/index', ready: '.list' },
  { name: 'settings', hash: '/pages/settings/index', ready: '.large-text-switch' },
  { name: 'collect', hash: '/pages/collect/index', ready: '.qr__image' },
  { name: 'claim', hash: '/pages/claim/index?token=NotARealToken123', ready: '.claim-failed' },
];

async function open(hash: string, ready: string): Promise<void> {
  await page.goto(`${baseURL}/?visit=${Date.now()}#${hash}`);
  await page.waitForSelector(ready);
}

/** Buttons, inputs and switches that a screen reader would announce without a name. */
const unlabelled = () =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('.taro_page_stationed taro-button-core, .taro_page_stationed taro-input-core, .taro_page_stationed taro-textarea-core, .taro_page_stationed taro-switch-core'))
      .filter((element) => !(element.getAttribute('aria-label') ?? '').trim())
      .map((element) => element.outerHTML.slice(0, 120)),
  );

/** Font sizes (px) of every visible text leaf on the page, in document order. */
const fontSizes = () =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('.taro_page_stationed .screen *'))
      .filter((element) => element.children.length === 0 && (element.textContent ?? '').trim() && (element as HTMLElement).offsetParent !== null && !element.closest('.sr-only'))
      .map((element) => parseFloat(getComputedStyle(element).fontSize)),
  );

async function setSettings(settings: { lang: 'zh' | 'en'; largeText: boolean }): Promise<void> {
  await page.evaluate((value) => localStorage.setItem('hongbao.settings.v1', JSON.stringify({ data: value })), settings);
}

describe('every page, looked at', () => {
  test.each(PAGES)('$name: every control has a label, in Chinese and English', async ({ name, hash, ready }) => {
    for (const lang of ['zh', 'en'] as const) {
      await setSettings({ lang, largeText: false });
      await open(hash, ready);
      await screenshot(page, `screen-${name}-${lang}`);
      expect(await unlabelled()).toEqual([]);
    }
  });

  test.each(PAGES)('$name: large text enlarges every text on the page', async ({ name, hash, ready }) => {
    await setSettings({ lang: 'zh', largeText: false });
    await open(hash, ready);
    const normal = await fontSizes();
    await setSettings({ lang: 'zh', largeText: true });
    await open(hash, ready);
    const large = await fontSizes();
    await screenshot(page, `screen-${name}-large`);
    expect(large.length).toBe(normal.length);
    const notEnlarged = normal.filter((size, index) => !(large[index]! > size));
    expect(notEnlarged).toEqual([]);
    await setSettings({ lang: 'zh', largeText: false });
  });
});
