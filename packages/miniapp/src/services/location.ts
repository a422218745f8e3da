import Taro from '@tarojs/taro';
import { LocationDeniedError } from '../lib/errors';
import type { GeoPoint } from '../lib/location';

/**
 * The device's location through `Taro.getLocation` (WeChat asks the person the first time; the
 * browser shows its own prompt on H5). A refusal becomes a `LocationDeniedError`, which
 * `describeError` words as "allow location and retry".
 */
export async function taroLocate(): Promise<GeoPoint> {
  try {
    const { latitude, longitude } = await Taro.getLocation({ type: 'gcj02' });
    return { lat: latitude, lng: longitude };
  } catch (error) {
    throw new LocationDeniedError(String((error as { errMsg?: string })?.errMsg ?? error));
  }
}
