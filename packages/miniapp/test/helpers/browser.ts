/**
 * Real Chromium for the end-to-end tests: Debian's package at /usr/bin/chromium driven by
 * playwright-core (no browser downloads). Screenshots go to test-output/e2e; with
 * HONGBAO_UPDATE_DOCS=1 the ones named for the README are copied to docs/ too.
 */
import { createTestApp, systemClock, type TestApp } from '@hongbao/server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
export const H5_DIR = path.join(__dirname, '../../dist/h5');
export const OUTPUT_DIR = path.join(__dirname, '../../test-output/e2e');
const DOCS_DIR = path.join(__dirname, '../../docs');

export function prerequisitesMissing(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: apt-get install -y chromium`;
  if (!existsSync(path.join(H5_DIR, 'index.html'))) return 'the H5 build is missing: pnpm --filter @hongbao/miniapp build:h5';
  return null;
}

/** Playwright gives every launch a fresh temporary profile (a fresh user-data dir). */
export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A phone-sized context of its own: its own storage, so its own logged-in user. */
export async function phone(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' });
  // Record what the voice broadcast says instead of speaking.
  await context.addInitScript(() => {
    const spoken: string[] = [];
    (window as unknown as { __spoken: string[] }).__spoken = spoken;
    Object.defineProperty(window, 'speechSynthesis', { value: { speak: (utterance: { text: string }) => spoken.push(utterance.text), cancel: () => undefined } });
  });
  // Generous waits: CI runs this beside every other suite on two cores.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  return { context, page };
}

/** Waits for the page transition to settle, then saves a screenshot (and a docs copy when asked). */
export async function screenshot(page: Page, name: string, docsName?: string): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.waitForSelector('.taro_page_stationed', { timeout: 3_000 }).catch(() => undefined);
  await page.waitForTimeout(400);
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  if (docsName && process.env.HONGBAO_UPDATE_DOCS === '1') {
    mkdirSync(DOCS_DIR, { recursive: true });
    copyFileSync(file, path.join(DOCS_DIR, docsName));
  }
}

/** Decodes the QR image on the page with jsqr: draws it on a canvas in the page, reads pixels here. */
export async function decodeQr(page: Page, selector: string): Promise<string | null> {
  const jsQR = (await import('jsqr')).default;
  const image = await page.evaluate(async (imageSelector) => {
    const img = document.querySelector(`${imageSelector} img`) as HTMLImageElement | null;
    if (!img) return null;
    if (!img.complete) await new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return { width: data.width, height: data.height, pixels: Array.from(data.data) };
  }, selector);
  if (!image) return null;
  return jsQR(Uint8ClampedArray.from(image.pixels), image.width, image.height)?.data ?? null;
}

export interface E2E {
  /** The real server (SQLite, development mode) serving the H5 build. */
  server: TestApp;
  baseURL: string;
  browser: Browser;
}

/**
 * Starts, for the calling suite, the real server serving the H5 build and a Chromium, and closes
 * both after the suite. The returned object is filled in before the suite's own `beforeAll` runs.
 */
export function useE2E(): E2E {
  const e2e = {} as E2E;
  beforeAll(async () => {
    e2e.server = await createTestApp({ clock: systemClock, config: { h5Dir: H5_DIR } });
    e2e.baseURL = await e2e.server.listen();
    e2e.browser = await launch();
  });
  afterAll(async () => {
    await e2e.browser?.close();
    await e2e.server?.close();
  });
  return e2e;
}
