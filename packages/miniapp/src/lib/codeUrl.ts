/**
 * Reading codes. A QR holds `<public base URL>/c/<token>` (the SDK's `parseCodeUrl` reads it);
 * people may also paste the H5 claim page link (`…#/pages/claim/index?token=…`) or the bare token.
 */
import { parseCodeUrl } from '@hongbao/sdk';

const TOKEN = /^[A-Za-z0-9_-]{16,512}$/;

/** The token inside scanned or pasted text, or null when there is none. */
export function tokenFromText(text: string): string | null {
  const trimmed = text.trim();
  const parsed = parseCodeUrl(trimmed);
  if (parsed && TOKEN.test(parsed.token)) return parsed.token;
  const query = /[?&]token=([^&#]+)/.exec(trimmed);
  if (query) {
    const token = safeDecode(query[1]!);
    if (token && TOKEN.test(token)) return token;
  }
  return null;
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** The claim page for a token or a shared packet, as a mini-program path. */
export function claimPagePath(target: { token: string } | { packetId: string }): string {
  return 'token' in target
    ? `/pages/claim/index?token=${encodeURIComponent(target.token)}`
    : `/pages/claim/index?packetId=${encodeURIComponent(target.packetId)}`;
}
