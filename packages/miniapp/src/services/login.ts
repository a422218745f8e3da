/**
 * Login providers. Development builds log in with the server's `dev` provider under a device-local
 * openid; production builds call `Taro.login` and send WeChat's one-time code. Another provider
 * plugs in by implementing `LoginProvider`.
 */
import Taro from '@tarojs/taro';
import type { CreateSessionParams } from '@hongbao/sdk';
import { randomId } from '../lib/ids';
import type { KeyValueStorage } from '../lib/storage';

export interface LoginProvider {
  /** The body of `POST /v1/sessions` for this device. */
  credentials(): Promise<CreateSessionParams>;
}

const DEVICE_KEY = 'hongbao.device.v1';
const DEV_OPENID_KEY = 'hongbao.devOpenid.v1';

/** This install's device id: made once, kept in storage, sent with logins, claims and payments. */
export function deviceId(storage: KeyValueStorage): string {
  const saved = storage.get(DEVICE_KEY);
  if (typeof saved === 'string' && saved) return saved;
  const id = randomId('dev');
  storage.set(DEVICE_KEY, id);
  return id;
}

/** The development server's login: one openid per install, so each browser is its own user. */
export function devLogin(storage: KeyValueStorage): LoginProvider {
  return {
    async credentials() {
      let openid = storage.get(DEV_OPENID_KEY);
      if (typeof openid !== 'string' || !openid) {
        openid = randomId('u');
        storage.set(DEV_OPENID_KEY, openid);
      }
      const id = openid as string;
      return { provider: 'dev', openid: id, name: `用户${id.slice(-4).toUpperCase()}`, deviceId: deviceId(storage) };
    },
  };
}

/** Production login: `Taro.login` gives a one-time code that the server exchanges with WeChat. */
export function wechatLogin(storage: KeyValueStorage, taro: { login: () => Promise<{ code: string }> } = { login: () => Taro.login() }): LoginProvider {
  return {
    async credentials() {
      const { code } = await taro.login();
      return { provider: 'wechat', code, deviceId: deviceId(storage) };
    },
  };
}

export function loginProviderFor(name: string, storage: KeyValueStorage): LoginProvider {
  return name === 'wechat' ? wechatLogin(storage) : devLogin(storage);
}
