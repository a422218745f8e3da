/**
 * What sharing a packet sends. Sharing only delivers a packet the sender already paid for to the
 * people it is meant for; nothing here (or anywhere) makes claiming depend on sharing further,
 * which WeChat forbids (诱导分享).
 */
import { translate, type Lang } from './i18n';
import { claimPagePath } from './codeUrl';

export interface SharedPacket {
  id: string;
  senderName: string;
  message: string;
}

/** WeChat's scene value for a page opened from Moments (朋友圈) in single-page mode. */
export const MOMENTS_SINGLE_PAGE_SCENE = 1154;

export function isSinglePageMode(launchScene: number | undefined): boolean {
  return launchScene === MOMENTS_SINGLE_PAGE_SCENE;
}

/** `useShareAppMessage`'s card: opens the claim page for this packet. */
export function chatShare(packet: SharedPacket, lang: Lang, imageUrl?: string): { title: string; path: string; imageUrl?: string } {
  return {
    title: translate(lang, 'shareTitle', { name: packet.senderName, message: packet.message }),
    path: claimPagePath({ packetId: packet.id }),
    ...(imageUrl ? { imageUrl } : {}),
  };
}

/**
 * `useShareTimeline`'s query. Moments opens the page in single-page mode, where the app cannot log
 * in or call the API, so the query carries what the preview shows.
 */
export function momentsShare(packet: SharedPacket, lang: Lang): { title: string; query: string } {
  const query = [
    ['packetId', packet.id],
    ['from', 'moments'],
    ['sender', packet.senderName],
    ['message', packet.message],
  ]
    .map(([key, value]) => `${key}=${encodeURIComponent(value!)}`)
    .join('&');
  return { title: translate(lang, 'shareTitle', { name: packet.senderName, message: packet.message }), query };
}

/** Reads a preview back from route params (Taro hands them over still URI-encoded on some targets). */
export function momentsPreview(params: Record<string, string | undefined>): { packetId: string | null; sender: string; message: string } {
  const decode = (value: string | undefined) => {
    if (!value) return '';
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  };
  return { packetId: params.packetId ? decode(params.packetId) : null, sender: decode(params.sender), message: decode(params.message) };
}
