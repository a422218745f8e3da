import { canonicalRequest, parseAuthorization, SIGNATURE_WINDOW_SECONDS, TIER_POLICIES, type CreateDevMerchantBody, type CreateSessionBody } from '@hongbao/protocol';
import DataLoader from 'dataloader';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fail } from '../errors';
import { newId, newSecret } from '../ids';
import type { AccountRow } from '../store/accounts';
import type { Actor, ServiceContext } from './context';

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export interface SignedRequest {
  method: string;
  /** The request target exactly as sent: path plus `?query` when present. */
  target: string;
  rawBody: string | Buffer;
  authorization: string;
}

/** Sessions (dev login), merchant app credentials and request signatures. */
export class AuthService {
  /**
   * The session lookups of requests that arrive in one turn of the event loop, in one read (a hot
   * packet's claimers each bring a token): one round trip on PostgreSQL, one statement on SQLite.
   * Nothing is cached between turns, so a logout or an expiry takes effect on the next request.
   */
  private readonly sessions;

  constructor(private readonly ctx: ServiceContext) {
    this.sessions = new DataLoader((hashes: readonly string[]) => ctx.stores.accounts.sessions(hashes), {
      cache: false,
      maxBatchSize: 256,
      batchScheduleFn: (run) => setImmediate(run),
    });
  }

  /** Logs a user in. `dev` works in development mode only; other providers plug in later. */
  async login(body: CreateSessionBody): Promise<{ token: string; expiresAt: number; account: AccountRow }> {
    if (body.provider !== 'dev') fail('VALIDATION_FAILED', `Login provider "${body.provider}" is not configured on this server.`, { field: 'provider' });
    if (this.ctx.config.mode !== 'development') fail('VALIDATION_FAILED', 'The dev login exists in development mode only.', { field: 'provider' });
    if (!body.openid) fail('VALIDATION_FAILED', 'openid is required for the dev login.', { field: 'openid' });
    const now = this.ctx.clock.now();
    // READ COMMITTED: a first login inserts its account unless the openid's is there by then (see
    // insertUnlessOpenidTaken), so logins of one openid racing each other find one account, and
    // logins of different openids never fail each other (under SERIALIZABLE their reads and
    // inserts on the openid index did, and ran again: ~3 attempts a login in a crowd of them).
    return this.ctx.db.tx(async () => {
      const { accounts } = this.ctx.stores;
      let account = await accounts.byOpenid(body.openid!);
      if (!account) {
        const fresh = {
          id: newId('acc'),
          kind: 'user',
          name: body.name ?? body.openid!,
          tier: 'personal',
          role: 'user',
          openid: body.openid!,
          region: body.region ?? null,
          fee_rate_bps: null,
          code_ttl_seconds: null,
          single_limit: null,
          daily_limit: null,
          created_at: now,
        } satisfies AccountRow;
        account = (await accounts.insertUnlessOpenidTaken(fresh)) ? fresh : await accounts.byOpenid(body.openid!);
        // Never: the insert found the openid taken, so the row is there to read.
        if (!account) throw new Error(`login: no account for openid ${body.openid} after its insert was refused`);
      } else if (body.region !== undefined && body.region !== account.region) {
        await accounts.updateProfile(account.id, { region: body.region });
        account = { ...account, region: body.region };
      }
      const token = `hbs_${randomBytes(24).toString('base64url')}`;
      const expiresAt = now + this.ctx.config.sessionTtlSeconds * 1000;
      await accounts.insertSession({ token_hash: sha256Hex(token), account_id: account.id, device_id: body.deviceId ?? null, expires_at: expiresAt, created_at: now });
      await this.ctx.events.emit({ type: 'session.created', actorId: account.id, subjectId: account.id, accountIds: [account.id], amount: 0, data: { provider: body.provider, deviceId: body.deviceId ?? null }, at: now });
      return { token, expiresAt, account };
    }, { isolation: 'read committed' });
  }

  /** The actor behind a bearer session token; UNAUTHENTICATED when unknown or expired. */
  async authenticateSession(token: string): Promise<Actor> {
    const hash = sha256Hex(token);
    const session = !this.ctx.db.inTransaction ? await this.sessions.load(hash) : await this.ctx.stores.accounts.session(hash);
    if (!session || session.expiresAt <= this.ctx.clock.now()) fail('UNAUTHENTICATED', 'The session token is unknown or has expired; log in again.');
    return { account: session!.account, via: 'session', appId: null, deviceId: session!.deviceId };
  }

  /**
   * Verifies an `HB-HMAC-SHA256` signed request (SPEC section 8): known app, timestamp within
   * ±300 s, signature over the canonical request, and a nonce never seen before for this app.
   */
  async authenticateSignature(request: SignedRequest): Promise<Actor> {
    const parts = parseAuthorization(request.authorization);
    if (!parts) fail('UNAUTHENTICATED', 'Malformed Authorization header; expected HB-HMAC-SHA256 appId="…",timestamp="…",nonce="…",signature="…".');
    const { appId, timestamp, nonce, signature } = parts!;
    const app = await this.ctx.stores.accounts.app(appId);
    if (!app) fail('UNAUTHENTICATED', `Unknown appId "${appId}".`);
    const nowSeconds = Math.floor(this.ctx.clock.now() / 1000);
    const ts = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!Number.isFinite(ts) || Math.abs(nowSeconds - ts) > SIGNATURE_WINDOW_SECONDS) {
      fail('REQUEST_EXPIRED', `The timestamp ${timestamp} is more than ${SIGNATURE_WINDOW_SECONDS} s from the server time ${nowSeconds}.`);
    }
    if (nonce.length > 128) fail('UNAUTHENTICATED', 'The nonce is longer than 128 characters.');
    const expected = createHmac('sha256', app!.secret)
      .update(canonicalRequest(request.method, request.target, timestamp, nonce, sha256Hex(request.rawBody)))
      .digest();
    const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      fail('SIGNATURE_INVALID', 'The signature does not match; sign METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nSHA256HEX(BODY)\\n with the app secret.');
    }
    // A nonce must outlive the window in which its timestamp is accepted.
    const fresh = await this.ctx.db.tx(() => this.ctx.stores.accounts.useNonce(appId, nonce, (ts + SIGNATURE_WINDOW_SECONDS + 1) * 1000));
    if (!fresh) fail('REPLAYED', `The nonce "${nonce}" was already used.`);
    const account = (await this.ctx.stores.accounts.byId(app!.account_id))!;
    return { account, via: 'app', appId, deviceId: null };
  }

  /** Creates an enterprise or provider merchant account with app credentials. */
  async createMerchant(body: CreateDevMerchantBody): Promise<{ accountId: string; appId: string; secret: string }> {
    const policy = TIER_POLICIES[body.tier];
    let feeRateBps = policy.feeRateBps.default;
    if (body.feeRate !== undefined) {
      feeRateBps = Math.round(body.feeRate * 10_000);
      if (feeRateBps < policy.feeRateBps.min || feeRateBps > policy.feeRateBps.max) {
        fail('VALIDATION_FAILED', `feeRate for ${body.tier} must be from ${policy.feeRateBps.min / 10_000} to ${policy.feeRateBps.max / 10_000}.`, { field: 'feeRate' });
      }
    }
    if (body.codeTtlSeconds !== undefined && body.tier !== 'provider') {
      fail('TIER_API_FORBIDDEN', 'Custom code TTLs are part of the full API (provider tier).', { field: 'codeTtlSeconds' });
    }
    if (body.limits && body.tier !== 'provider') {
      fail('TIER_API_FORBIDDEN', 'Custom limits are part of the full API (provider tier).', { field: 'limits' });
    }
    const now = this.ctx.clock.now();
    const accountId = newId('acc');
    const appId = newId('app');
    const secret = newSecret();
    await this.ctx.db.tx(async () => {
      await this.ctx.stores.accounts.insert({
        id: accountId,
        kind: 'merchant',
        name: body.name,
        tier: body.tier,
        role: 'merchant',
        openid: null,
        region: null,
        fee_rate_bps: feeRateBps,
        code_ttl_seconds: body.codeTtlSeconds ?? null,
        single_limit: body.limits?.single ?? null,
        daily_limit: body.limits?.daily ?? null,
        created_at: now,
      });
      await this.ctx.stores.accounts.insertApp({ app_id: appId, account_id: accountId, secret, created_at: now });
      await this.ctx.events.emit({ type: 'merchant.created', actorId: null, subjectId: accountId, accountIds: [accountId], amount: 0, data: { tier: body.tier, appId }, at: now });
    });
    return { accountId, appId, secret };
  }
}
