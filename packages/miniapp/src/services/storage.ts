import Taro from '@tarojs/taro';
import type { KeyValueStorage } from '../lib/storage';

/** Taro's synchronous storage (wx storage on weapp, localStorage on H5). A missing key reads as ''. */
export const taroStorage: KeyValueStorage = {
  get(key) {
    const value: unknown = Taro.getStorageSync(key);
    return value === '' ? undefined : value;
  },
  set(key, value) {
    Taro.setStorageSync(key, value);
  },
  remove(key) {
    Taro.removeStorageSync(key);
  },
};
