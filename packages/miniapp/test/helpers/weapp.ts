/**
 * Runs the real weapp build (dist/weapp) under miniprogram-simulate. Taro's output expects the
 * mini-program globals, so this shims `App`, `getApp`, `getCurrentPages` and `Page` (a page
 * becomes a simulate Component whose `attached` runs onLoad/onShow/onReady), and gives `wx` an
 * in-memory storage, a `request` answered by the test's responder, and a canvas context that
 * records its calls.
 */
import path from 'node:path';

export const WEAPP_DIR = path.join(__dirname, '../../dist/weapp');

export type Responder = (request: { method: string; url: string; body: unknown }) => { status: number; body: unknown };

export interface CanvasCall {
  name: string;
  args: unknown[];
}

export interface WeappHarness {
  /** Renders a page of the build with route params; resolves once it is attached. */
  render(page: string, query?: Record<string, string>): Promise<RenderedPage>;
  /** Every canvas context's recorded calls, by canvas id, up to its last `draw()`. */
  canvases: Map<string, CanvasCall[]>;
  /** Canvas ids exported with `canvasToTempFilePath`, in order. */
  exports: string[];
  requests: Array<{ method: string; url: string; body: unknown }>;
}

export interface RenderedPage {
  /** The page's simulate component. */
  component: { dom: HTMLElement; querySelector(selector: string): SimulatedNode | null; querySelectorAll(selector: string): SimulatedNode[] };
  /** Waits until `predicate` holds on the page's DOM (the first render and every update are async). */
  until(predicate: (dom: HTMLElement) => boolean, what: string, timeoutMs?: number): Promise<void>;
}

export interface SimulatedNode {
  dom: HTMLElement;
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
}

let loaded: WeappHarness | null = null;

export function loadWeapp(responder: Responder): WeappHarness {
  if (loaded) throw new Error('load the weapp build once per test file');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const simulate = require('miniprogram-simulate');
  const g = global as unknown as Record<string, unknown>;
  const storage = new Map<string, unknown>();
  const canvases = new Map<string, CanvasCall[]>();
  const exports: string[] = [];
  const requests: WeappHarness['requests'] = [];
  const pages: unknown[] = [];
  let appOptions: Record<string, unknown> = {};
  let nextQuery: Record<string, string> = {};

  g.App = (options: Record<string, (...args: unknown[]) => void>) => {
    appOptions = options;
    options.onLaunch?.call(options, { path: 'pages/home/index', query: {}, scene: 1001 });
    options.onShow?.call(options, { path: 'pages/home/index', query: {}, scene: 1001 });
  };
  g.getApp = () => appOptions;
  g.getCurrentPages = () => pages;
  g.Page = (options: Record<string, unknown>) => {
    const { data, ...hooks } = options;
    (g.Component as (definition: unknown) => void)({
      data,
      methods: hooks,
      lifetimes: {
        attached(this: Record<string, unknown> & { is: string }) {
          Object.assign(this, hooks);
          this.route = this.is;
          pages.push(this);
          const query = nextQuery;
          (this.onLoad as ((q: unknown) => void) | undefined)?.call(this, query);
          (this.onShow as (() => void) | undefined)?.call(this);
          (this.onReady as (() => void) | undefined)?.call(this);
        },
      },
    });
  };

  const ok = <T>(value: T, options: { success?: (v: T) => void; complete?: (v: T) => void }) => {
    options?.success?.(value);
    options?.complete?.(value);
  };
  g.wx = {
    getSystemInfoSync: () => ({ platform: 'devtools', windowWidth: 375, windowHeight: 667, pixelRatio: 2, SDKVersion: '3.0.0', language: 'zh_CN' }),
    getLaunchOptionsSync: () => ({ scene: 1001, path: 'pages/home/index', query: {} }),
    getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => void storage.set(key, JSON.parse(JSON.stringify(value))),
    removeStorageSync: (key: string) => void storage.delete(key),
    request(options: { url: string; method?: string; data?: unknown; success?: (r: unknown) => void; fail?: (e: unknown) => void; complete?: (r: unknown) => void }) {
      const method = (options.method ?? 'GET').toUpperCase();
      const body = typeof options.data === 'string' && options.data ? JSON.parse(options.data) : options.data;
      requests.push({ method, url: options.url, body });
      let aborted = false;
      setTimeout(() => {
        if (aborted) return;
        const answer = responder({ method, url: options.url, body });
        ok({ statusCode: answer.status, data: JSON.stringify(answer.body), header: { 'content-type': 'application/json' }, errMsg: 'request:ok' }, options);
      }, 5);
      return { abort: () => void (aborted = true), onHeadersReceived: () => undefined, offHeadersReceived: () => undefined };
    },
    createCanvasContext(canvasId: string) {
      let pending: CanvasCall[] = [];
      const record = (name: string) => (...args: unknown[]) => void pending.push({ name, args });
      return {
        setFillStyle: record('setFillStyle'),
        fillRect: record('fillRect'),
        drawImage: record('drawImage'),
        draw(reserve: boolean, callback?: () => void) {
          canvases.set(canvasId, reserve ? [...(canvases.get(canvasId) ?? []), ...pending] : pending);
          pending = [];
          callback?.();
        },
      };
    },
    canvasToTempFilePath(options: { canvasId: string; success?: (r: unknown) => void; complete?: (r: unknown) => void }) {
      exports.push(options.canvasId);
      ok({ tempFilePath: `wxfile://tmp/${options.canvasId}.png`, errMsg: 'canvasToTempFilePath:ok' }, options);
    },
    nextTick: (callback: () => void) => setTimeout(callback, 0),
    showToast: (options: object) => ok({ errMsg: 'showToast:ok' }, options),
    vibrateShort: (options: object) => ok({ errMsg: 'vibrateShort:ok' }, options),
    onAppShow: () => undefined,
    onAppHide: () => undefined,
  };

  require(path.join(WEAPP_DIR, 'app.js'));

  loaded = {
    canvases,
    exports,
    requests,
    async render(page, query = {}) {
      nextQuery = query;
      const id = simulate.load(path.join(WEAPP_DIR, page), { rootPath: WEAPP_DIR });
      const component = simulate.render(id);
      component.attach(document.createElement('parent-wrapper'));
      return {
        component,
        async until(predicate, what, timeoutMs = 5_000) {
          const deadline = Date.now() + timeoutMs;
          while (!predicate(component.dom)) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; page is:\n${component.dom.textContent}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
      };
    },
  };
  return loaded;
}

/** Paints recorded `setFillStyle`/`fillRect` calls into RGBA pixels (for jsqr). */
export function rasterize(calls: CanvasCall[], width: number, height: number): Uint8ClampedArray {
  const pixels = new Uint8ClampedArray(width * height * 4).fill(255);
  let fill: [number, number, number] = [0, 0, 0];
  for (const call of calls) {
    if (call.name === 'setFillStyle') fill = parseColor(String(call.args[0]));
    if (call.name !== 'fillRect') continue;
    const [x, y, w, h] = call.args.map((value) => Math.round(Number(value)));
    for (let row = Math.max(0, y!); row < Math.min(height, y! + h!); row += 1) {
      for (let col = Math.max(0, x!); col < Math.min(width, x! + w!); col += 1) {
        const offset = (row * width + col) * 4;
        pixels[offset] = fill[0];
        pixels[offset + 1] = fill[1];
        pixels[offset + 2] = fill[2];
        pixels[offset + 3] = 255;
      }
    }
  }
  return pixels;
}

function parseColor(color: string): [number, number, number] {
  const hex = color.replace('#', '');
  const full = hex.length === 3 ? hex.split('').map((c) => c + c).join('') : hex;
  return [parseInt(full.slice(0, 2), 16), parseInt(full.slice(2, 4), 16), parseInt(full.slice(4, 6), 16)];
}
