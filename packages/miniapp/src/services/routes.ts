/** Every page's path with its params: pages pass data by route params, never module globals. */
const q = encodeURIComponent;

export const routes = {
  home: () => '/pages/home/index',
  send: () => '/pages/send/index',
  code: (packetId: string) => `/pages/code/index?packetId=${q(packetId)}`,
  claimByToken: (token: string) => `/pages/claim/index?token=${q(token)}`,
  claimByPacket: (packetId: string) => `/pages/claim/index?packetId=${q(packetId)}`,
  detail: (packetId: string) => `/pages/detail/index?id=${q(packetId)}`,
  collect: () => '/pages/collect/index',
  pay: (token: string) => `/pages/pay/index?token=${q(token)}`,
  history: () => '/pages/history/index',
  settings: () => '/pages/settings/index',
};

/** Route params arrive URI-encoded on some targets and decoded on others; decode once, safely. */
export function param(params: Record<string, string | undefined> | undefined, name: string): string | null {
  const value = params?.[name];
  if (!value) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
