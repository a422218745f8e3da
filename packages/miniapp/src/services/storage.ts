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

/** Where the collect page keeps its collect code's id (the send page reads it to find recent payers). */
export const COLLECT_CODE_KEY = 'hongbao.collectCode.v1';
