import Taro from '@tarojs/taro';
import { useMemo } from 'react';
import { isSinglePageMode } from '../lib/share';

/** True when WeChat opened the app from Moments in single-page mode (no login, no API calls). */
export function useSinglePageMode(): boolean {
  return useMemo(() => {
    if (process.env.TARO_ENV !== 'weapp') return false;
    try {
      return isSinglePageMode(Taro.getLaunchOptionsSync().scene);
    } catch {
      return false;
    }
  }, []);
}
