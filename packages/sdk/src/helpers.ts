/**
 * Helpers that need no client: reading scanned codes, checking a packet's fairness, formatting fen.
 */
import { sha256Hex } from './core/signing';
import { fairnessPreimage } from './internal/protocol';

export { formatFen } from './internal/protocol';

/** A code token: base64url, as the server issues it. */
const TOKEN = /^[A-Za-z0-9_-]+$/;

/** What a scanned code URL holds. */
export interface ParsedCodeUrl {
  token: string;
  /** The URL up to (not including) `/c/<token>`; `null` when `text` was a bare token. */
  baseURL: string | null;
}

/**
 * Reads the token out of a scanned code: a `<base URL>/c/<token>` URL (also percent-encoded, as a
 * mini-program receives it in the `q` launch parameter) or a bare token. Returns `null` for
 * anything else.
 *
 * @example
 * parseCodeUrl('https://hb.example.com/c/AbC_123-x') // { token: 'AbC_123-x', baseURL: 'https://hb.example.com' }
 * parseCodeUrl('https%3A%2F%2Fhb.example.com%2Fc%2FAbC') // { token: 'AbC', baseURL: 'https://hb.example.com' }
 * parseCodeUrl('AbC_123-x') // { token: 'AbC_123-x', baseURL: null }
 */
export function parseCodeUrl(text: string): ParsedCodeUrl | null {
  let value = text.trim();
  if (/^https?%3A/i.test(value)) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  if (TOKEN.test(value)) return { token: value, baseURL: null };
  const match = /^(https?:\/\/[^/?#\s]+(?:\/[^?#\s]*?)?)\/c\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/i.exec(value);
  return match ? { token: match[2], baseURL: match[1] } : null;
}

/**
 * Checks a packet's fairness reveal: true when `commitment` is the lowercase hex SHA-256 of
 * `salt + ":" + shares.join(",")`. Use the commitment the packet showed at creation (from
 * `packets.create` or an early `packets.retrieve`), not one fetched with the reveal, and check
 * that the shares add up to the packet's total.
 *
 * @example
 * const { salt, shares } = await client.packets.fairness(packet.id);
 * verifyFairness(packet.commitment, salt, shares); // true
 */
export function verifyFairness(commitment: string, salt: string, shares: readonly number[]): boolean {
  return sha256Hex(fairnessPreimage(salt, shares)) === commitment.toLowerCase();
}
