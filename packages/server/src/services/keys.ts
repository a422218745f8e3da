import { generateCodeKey, type CodeKey, type TokenScheme } from '../codes/token-codec';
import type { CodeKeyRow } from '../store/keys';
import type { ServiceContext } from './context';

const SCHEMES: readonly TokenScheme[] = ['aes-gcm', 'sm4-ctr-hmac-sm3', 'aes-gcm-ed25519'];
const MAX_KID = 0xffff;

/**
 * How long this process trusts its cached keyring before re-reading it. Another process (the CLI's
 * `keys rotate`) may add keys; without a re-read this server would keep issuing under the old kid
 * until restarted. One tiny SELECT a minute is the price.
 */
const RELOAD_INTERVAL_MS = 60_000;

/** The published form of a provider key: what offline verifiers check signatures with. */
export interface PublicKeyInfo {
  kid: number;
  scheme: TokenScheme;
  publicKey: string;
}

function toCodeKey(row: CodeKeyRow): CodeKey {
  const key: CodeKey = { scheme: row.scheme as TokenScheme, kid: row.kid, secret: Buffer.from(row.secret) };
  if (row.public_key) key.publicKey = row.public_key;
  if (row.private_key) key.privateKey = row.private_key;
  return key;
}

/**
 * The keyring of code tokens: one key series per scheme, identified by kid. The newest kid of a
 * scheme signs new tokens; older kids stay in the table and keep decoding the tokens they issued
 * until those expire. Keys are cached in memory; the table is the source of truth.
 */
export class KeyService {
  private keys = new Map<TokenScheme, Map<number, CodeKey>>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** Reloads started, and the newest one applied: a slower, older read never replaces a newer one. */
  private reloadsStarted = 0;
  private reloadApplied = 0;

  constructor(readonly ctx: ServiceContext) {}

  /** Creates the first key of every scheme that has none (run at app start). */
  async ensureKeys(): Promise<void> {
    const now = this.ctx.clock.now();
    await this.ctx.db.tx(async () => {
      for (const scheme of SCHEMES) {
        if ((await this.ctx.stores.keys.maxKid(scheme)) === null) await this.insert(generateCodeKey(scheme, 1), now);
      }
    });
    // Read the keyring back once the new keys are committed, whatever connection the read uses.
    await this.ctx.db.flush();
    await this.reload();
  }

  /** Adds a new active key to every scheme (kid = previous newest + 1); returns the new kids. */
  async rotate(): Promise<Array<{ scheme: TokenScheme; kid: number }>> {
    const now = this.ctx.clock.now();
    const created = await this.ctx.db.tx(async () => {
      const kids: Array<{ scheme: TokenScheme; kid: number }> = [];
      for (const scheme of SCHEMES) {
        const kid = ((await this.ctx.stores.keys.maxKid(scheme)) ?? 0) + 1;
        if (kid > MAX_KID) throw new Error(`the ${scheme} keyring is full (kid ${MAX_KID} reached)`);
        await this.insert(generateCodeKey(scheme, kid), now);
        kids.push({ scheme, kid });
      }
      return kids;
    });
    await this.ctx.db.flush();
    await this.reload();
    return created;
  }

  /** The key new tokens of `scheme` are issued under: the newest kid. */
  async activeKey(scheme: TokenScheme): Promise<CodeKey> {
    const series = (await this.fresh()).get(scheme);
    let active: CodeKey | undefined;
    for (const key of series?.values() ?? []) if (!active || key.kid > active.kid) active = key;
    if (!active) throw new Error(`no ${scheme} key; ensureKeys() must run at start`);
    return active;
  }

  /**
   * The key for a token's scheme and kid, for `decodeToken`; undefined when there is none. A kid
   * newer than any cached one may have just been created by another process, so that one case
   * re-reads the table once. Kids are allocated upwards, so an older unknown kid never existed and
   * costs no query, whatever a forger puts in the header.
   */
  async lookup(scheme: TokenScheme, kid: number): Promise<CodeKey | undefined> {
    const series = (await this.fresh()).get(scheme);
    const found = series?.get(kid);
    if (found) return found;
    const newest = Math.max(0, ...(series?.keys() ?? []));
    if (kid <= newest) return undefined;
    await this.reload();
    return this.keys.get(scheme)?.get(kid);
  }

  /** The Ed25519 public keys of the provider scheme, oldest kid first. */
  async publicKeys(): Promise<PublicKeyInfo[]> {
    const series = (await this.fresh()).get('aes-gcm-ed25519');
    return [...(series?.values() ?? [])]
      .filter((key) => key.publicKey)
      .sort((a, b) => a.kid - b.kid)
      .map((key) => ({ kid: key.kid, scheme: key.scheme, publicKey: key.publicKey! }));
  }

  private async insert(key: CodeKey, now: number): Promise<void> {
    await this.ctx.stores.keys.insert({
      scheme: key.scheme,
      kid: key.kid,
      secret: key.secret,
      public_key: key.publicKey ?? null,
      private_key: key.privateKey ?? null,
      created_at: now,
    });
  }

  private async fresh(): Promise<Map<TokenScheme, Map<number, CodeKey>>> {
    if (this.ctx.clock.now() - this.loadedAt >= RELOAD_INTERVAL_MS) await this.reload();
    return this.keys;
  }

  private async reload(): Promise<void> {
    const started = ++this.reloadsStarted;
    const rows = await this.ctx.stores.keys.all();
    if (started < this.reloadApplied) return;
    this.reloadApplied = started;
    const keys = new Map<TokenScheme, Map<number, CodeKey>>();
    for (const row of rows) {
      const key = toCodeKey(row);
      if (!keys.has(key.scheme)) keys.set(key.scheme, new Map());
      keys.get(key.scheme)!.set(key.kid, key);
    }
    this.keys = keys;
    this.loadedAt = this.ctx.clock.now();
  }
}
