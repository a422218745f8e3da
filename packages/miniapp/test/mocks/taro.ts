/**
 * A small stand-in for `@tarojs/taro` in jsdom component tests: storage in a Map, navigation and
 * share hooks recorded, route params set by the test.
 */
const storage = new Map<string, unknown>();
export const taroMock = {
  routerParams: {} as Record<string, string>,
  navigations: [] as Array<{ kind: string; url: string }>,
  shares: { appMessage: null as null | (() => unknown), timeline: null as null | (() => unknown) },
  /** WeChat's launch scene (1154: opened from Moments in single-page mode). */
  launchScene: 1001,
  /** What `getLocation` answers; null: the person refused. */
  location: null as null | { latitude: number; longitude: number },
  reset() {
    this.launchScene = 1001;
    this.location = null;
    storage.clear();
    this.routerParams = {};
    this.navigations = [];
    this.shares = { appMessage: null, timeline: null };
  },
};

const navigate = (kind: string) => async ({ url }: { url: string }) => {
  taroMock.navigations.push({ kind, url });
  return { errMsg: `${kind}:ok` };
};

const Taro = {
  getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
  setStorageSync: (key: string, value: unknown) => void storage.set(key, JSON.parse(JSON.stringify(value))),
  removeStorageSync: (key: string) => void storage.delete(key),
  navigateTo: navigate('navigateTo'),
  redirectTo: navigate('redirectTo'),
  reLaunch: navigate('reLaunch'),
  request: () => Promise.reject(new Error('request:fail no network in component tests')),
  login: async () => ({ code: 'wx-code' }),
  scanCode: async () => ({ result: '' }),
  showToast: async () => ({}),
  vibrateShort: async () => ({}),
  nextTick: (callback: () => void) => setTimeout(callback, 0),
  getLaunchOptionsSync: () => ({ scene: taroMock.launchScene }),
  getLocation: async () => {
    if (!taroMock.location) throw { errMsg: 'getLocation:fail auth deny' };
    return { ...taroMock.location, errMsg: 'getLocation:ok' };
  },
  getCurrentInstance: () => ({ page: {}, router: { params: taroMock.routerParams } }),
  createCanvasContext: () => ({ setFillStyle() {}, fillRect() {}, draw() {} }),
  createInnerAudioContext: () => ({ play() {}, destroy() {}, onEnded() {}, onError() {} }),
};

export default Taro;
export const useRouter = () => ({ params: taroMock.routerParams, path: '' });
export const useDidShow = () => undefined;
export const useDidHide = () => undefined;
export const useReady = () => undefined;
export const useShareAppMessage = (callback: () => unknown) => void (taroMock.shares.appMessage = callback);
export const useShareTimeline = (callback: () => unknown) => void (taroMock.shares.timeline = callback);
