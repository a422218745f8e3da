import {
  CODE_REFRESH_SECONDS,
  TIER_POLICIES,
  type Code,
  type CreateCollectCodeBody,
  type IssueClaimCodeBody,
  type ResolveResponse,
  type Scene,
} from '@hongbao/protocol';
import { randomBytes } from 'node:crypto';
import { toIso } from '../clock';
import { decodeToken, encodeToken, newCodeId, readTokenHeader, schemeForTier, TokenInvalidError, type TokenPayload, type TokenScheme } from '../codes/token-codec';
import { distanceMeters, type LatLng } from '../domain/geo';
import { fail } from '../errors';
import type { AccountRow } from '../store/accounts';
import type { CodeRow } from '../store/codes';
import type { PacketRow } from '../store/packets';
import { waitForChange, type Actor, type ServiceContext } from './context';
import type { KeyService } from './keys';
import { policyFor } from './limits';

const TOKEN_NONCE_BYTES = 8;

interface Geofence extends LatLng {
  radiusMeters: number;
}

/** What a long-poll waits with: the version the client last saw and how long it may wait. */
export interface PollOptions {
  version?: number;
  wait?: number;
  signal?: AbortSignal;
}

/** The bus key a code's changes are announced on; long-polls of the code and its payments wait on it. */
export const codeChangeKey = (codeId: string) => `code:${codeId}`;

const parseGeofence = (code: CodeRow): Geofence | null => (code.geofence ? (JSON.parse(code.geofence) as Geofence) : null);

/**
 * Dynamic codes (SPEC section 4): claim codes bound to a packet, collect codes bound to their owner.
 * A code's id is stable; every view of it carries a freshly minted token, encrypted under the
 * newest key of the scheme of the owner's tier. Tokens are stateless: a newer one does not retire
 * an older one, which stays valid until its own expiry so a slightly stale screen still scans.
 */
export class CodeService {
  constructor(readonly ctx: ServiceContext, readonly keys: KeyService) {}

  /** Issues a claim code for a packet; only its sender may, and only while it can be claimed. */
  async issueClaimCode(actor: Actor, packetId: string, body: IssueClaimCodeBody, publicBase: string): Promise<Code> {
    const ttlSeconds = this.ttlFor(actor.account, body.ttlSeconds);
    return this.ctx.db.tx(async () => {
      const packet = await this.ctx.stores.packets.byId(packetId);
      if (!packet) fail('NOT_FOUND', `No packet ${packetId}.`);
      if (packet!.sender_id !== actor.account.id) fail('FORBIDDEN', 'Only the sender of a packet can issue codes for it.');
      this.assertClaimable(packet!);
      const code = await this.insert(actor.account, { kind: 'claim', packet_id: packetId, geofence: body.geofence ?? null, ttl_seconds: ttlSeconds });
      return this.view(code, publicBase);
    });
  }

  /** Creates a collect code for the caller: scanning it pays the caller. */
  async createCollectCode(actor: Actor, body: CreateCollectCodeBody, publicBase: string): Promise<Code> {
    const ttlSeconds = this.ttlFor(actor.account, body.ttlSeconds);
    return this.ctx.db.tx(async () => {
      const code = await this.insert(actor.account, {
        kind: 'collect',
        fixed_amount: body.fixedAmount ?? null,
        scene: body.scene ?? null,
        title: body.title ?? null,
        geofence: body.geofence ?? null,
        ttl_seconds: ttlSeconds,
      });
      return this.view(code, publicBase);
    });
  }

  /**
   * The caller's collect code with a fresh token. With `version` and `wait`, answers once the code's
   * version differs from the one the client saw, or when `wait` seconds pass.
   */
  async getCollectCode(actor: Actor, id: string, publicBase: string, poll: PollOptions = {}): Promise<Code> {
    const code = await this.ownedCode(actor, id, 'collect');
    await this.waitForChange(code, poll);
    return this.view((await this.ctx.stores.codes.byId(id))!, publicBase);
  }

  /** A new token for the same code; the version moves on, older tokens stay valid until they expire. */
  async refresh(actor: Actor, id: string, publicBase: string): Promise<Code> {
    return this.ctx.db.tx(async () => {
      const code = await this.ownedCode(actor, id);
      if (code.status === 'revoked') fail('CODE_REVOKED', 'This code has been revoked; create a new one.');
      if (code.status === 'frozen') fail('CODE_FROZEN', 'This code is frozen pending review; unfreeze it first.');
      if (code.packet_id) this.assertClaimable((await this.ctx.stores.packets.byId(code.packet_id))!);
      return this.view(await this.changed(await this.ctx.stores.codes.bumpVersion(id), 'code.refreshed', actor.account.id), publicBase);
    });
  }

  /** Revokes a code for good: every token of it then scans as CODE_REVOKED. Revoking twice is a no-op. */
  async revoke(actor: Actor, id: string, publicBase: string): Promise<Code> {
    return this.ctx.db.tx(async () => {
      const code = await this.ownedCode(actor, id);
      if (code.status === 'revoked') return this.view(code, publicBase);
      return this.view(await this.changed(await this.ctx.stores.codes.setStatus(id, 'revoked'), 'code.revoked', actor.account.id), publicBase);
    });
  }

  /**
   * Lifts a freeze after review: the owner or an admin may. The same-amount streak restarts. An
   * active code is returned unchanged; clearing its streak here would let an owner dodge the breaker.
   */
  async unfreeze(actor: Actor, id: string, publicBase: string): Promise<Code> {
    return this.ctx.db.tx(async () => {
      const code = await this.ctx.stores.codes.byId(id);
      if (!code) fail('NOT_FOUND', `No code ${id}.`);
      if (code!.owner_id !== actor.account.id && actor.account.role !== 'admin') fail('FORBIDDEN', 'Only the owner of a code or an admin can unfreeze it.');
      if (code!.status === 'revoked') fail('CODE_REVOKED', 'This code has been revoked and cannot be unfrozen.');
      if (code!.status === 'active') return this.view(code!, publicBase);
      return this.view(await this.changed(await this.ctx.stores.codes.setStatus(id, 'active', true), 'code.unfrozen', actor.account.id), publicBase);
    });
  }

  /**
   * What a token is, without acting on it: the packet cover of a claim code or the owner of a
   * collect code. Tokens that could never be acted on again are refused as they would be on use
   * (CODE_INVALID, CODE_REVOKED, CODE_EXPIRED). A freeze may be lifted and a geofence depends on
   * where the scanner stands, so those are reported (`status`, `geofenced`) rather than refused.
   */
  async resolve(token: string): Promise<ResolveResponse> {
    const { payload, code } = await this.decode(token);
    if (code.status === 'revoked') fail('CODE_REVOKED');
    if (this.isExpired(payload)) fail('CODE_EXPIRED');
    const summary = { id: code.id, kind: code.kind, status: code.status, expiresAt: toIso(payload.expiresAt * 1000), geofenced: code.geofence !== null };
    const { accounts, packets } = this.ctx.stores;
    if (code.kind === 'claim') {
      const packet = (await packets.byId(code.packet_id!))!;
      return {
        code: summary,
        packet: {
          id: packet.id,
          senderName: (await accounts.byId(packet.sender_id))!.name,
          mode: packet.mode,
          message: packet.message,
          scene: packet.scene as Scene,
          status: packet.status,
          count: packet.count,
          claimedCount: packet.claimed_count,
          exclusive: packet.mode === 'exclusive',
        },
        collect: null,
      };
    }
    return {
      code: summary,
      packet: null,
      collect: {
        ownerId: code.owner_id,
        ownerName: (await accounts.byId(code.owner_id))!.name,
        fixedAmount: code.fixed_amount,
        scene: code.scene as Scene | null,
        title: code.title,
      },
    };
  }

  /**
   * Decodes and checks a displayed token inside the caller's transaction and returns its code.
   * Throws CODE_INVALID (tampered, unknown key, wrong kind), CODE_EXPIRED, CODE_REVOKED,
   * CODE_FROZEN, or OUT_OF_AREA when the code has a geofence and `location` is missing or outside.
   * Checks run in that order: revoked, frozen, expired, geofence.
   */
  async verifyToken(token: string, kind: 'claim' | 'collect', location?: { lat: number; lng: number }): Promise<CodeRow> {
    const { payload, code } = await this.decode(token);
    if (code.kind !== kind) fail('CODE_INVALID', `This is a ${code.kind} code, not a ${kind} code.`);
    if (code.status === 'revoked') fail('CODE_REVOKED');
    if (code.status === 'frozen') fail('CODE_FROZEN');
    if (this.isExpired(payload)) fail('CODE_EXPIRED');
    const geofence = parseGeofence(code);
    if (geofence) {
      if (!location) fail('OUT_OF_AREA', 'This code works only within an area; send your location.', { field: 'location' });
      if (distanceMeters(location!, geofence) > geofence.radiusMeters) fail('OUT_OF_AREA');
    }
    return code;
  }

  /**
   * Same-amount circuit breaker (SPEC section 4), run by every payment into a collect code inside
   * its transaction. The streak counts consecutive payments of one amount into the code, this one
   * included; a different amount starts a new streak of 1. The payment that makes the streak
   * `config.risk.sameAmountStreak` (the 5th equal one in a row by default) is accepted, its money moves, and
   * the code freezes in the same transaction, so the next scan gets CODE_FROZEN. Unfreezing clears
   * the streak, so it takes five more equal payments to freeze again.
   */
  async recordPayment(code: CodeRow, amount: number): Promise<CodeRow> {
    const streak = code.last_amount === amount ? code.same_amount_streak + 1 : 1;
    const status = streak >= this.ctx.config.risk.sameAmountStreak ? 'frozen' : code.status;
    return this.changed(await this.ctx.stores.codes.recordPayment(code.id, amount, streak, status), status === 'frozen' ? 'code.frozen' : null, null);
  }

  /** A code the caller owns (NOT_FOUND when missing or not of `kind`, FORBIDDEN when someone else's). */
  async ownedCode(actor: Actor, id: string, kind?: CodeRow['kind']): Promise<CodeRow> {
    const code = await this.ctx.stores.codes.byId(id);
    if (!code || (kind && code.kind !== kind)) fail('NOT_FOUND', kind ? `No ${kind} code ${id}.` : `No code ${id}.`);
    if (code!.owner_id !== actor.account.id) fail('FORBIDDEN', 'This code belongs to someone else.');
    return code!;
  }

  /**
   * Long-poll support: resolves at once unless the client saw the current version and asked to
   * wait; then at the code's next change, after `wait` seconds, or when the client goes away.
   */
  async waitForChange(code: CodeRow, { version, wait, signal }: PollOptions): Promise<void> {
    if (!wait || version === undefined || version !== code.version) return;
    // The wait subscribes, then reads the version again, so no change can slip between.
    await waitForChange(this.ctx, codeChangeKey(code.id), wait * 1000, signal, async () => (await this.ctx.stores.codes.byId(code.id))?.version === version);
  }

  private async decode(token: string): Promise<{ payload: TokenPayload; code: CodeRow }> {
    // The key is looked up first (that may read the keyring); decoding itself is synchronous.
    const header = readTokenHeader(token);
    const key = header ? await this.keys.lookup(header.scheme, header.kid) : undefined;
    let payload: TokenPayload;
    try {
      payload = decodeToken(token, () => key);
    } catch (error) {
      if (error instanceof TokenInvalidError) fail('CODE_INVALID');
      throw error;
    }
    const code = await this.ctx.stores.codes.byId(payload!.codeId);
    if (!code || code.kind !== payload!.kind) fail('CODE_INVALID');
    return { payload: payload!, code: code! };
  }

  private isExpired(payload: TokenPayload): boolean {
    return payload.expiresAt * 1000 < this.ctx.clock.now();
  }

  /** Custom TTLs belong to the full API; everyone else gets the tier's (or contract's) TTL. */
  private ttlFor(owner: AccountRow, requested: number | undefined): number {
    const policy = policyFor(owner);
    if (requested === undefined) return policy.codeTtlSeconds;
    if (policy.tier.apiAccess !== 'full') {
      fail('TIER_API_FORBIDDEN', `Custom code TTLs are part of the full API; the ${owner.tier} tier's codes last ${policy.codeTtlSeconds} s.`, { field: 'ttlSeconds' });
    }
    const { min, max } = TIER_POLICIES[owner.tier].codeTtlRange;
    if (requested < min || requested > max) fail('VALIDATION_FAILED', `ttlSeconds must be from ${min} to ${max}.`, { field: 'ttlSeconds' });
    return requested;
  }

  private assertClaimable(packet: PacketRow): void {
    if (packet.status === 'finished') fail('PACKET_EXHAUSTED');
    if (packet.status === 'expired' || packet.status === 'refunded' || packet.expires_at <= this.ctx.clock.now()) fail('PACKET_EXPIRED');
    if (packet.status === 'frozen') fail('RISK_BLOCKED', 'This packet is frozen by risk control.');
  }

  private async insert(
    owner: AccountRow,
    fields: Pick<CodeRow, 'kind' | 'ttl_seconds'> & Partial<Pick<CodeRow, 'packet_id' | 'fixed_amount' | 'scene' | 'title'>> & { geofence: Geofence | null },
  ): Promise<CodeRow> {
    const row: CodeRow = {
      id: newCodeId(),
      kind: fields.kind,
      owner_id: owner.id,
      packet_id: fields.packet_id ?? null,
      status: 'active',
      version: 1,
      fixed_amount: fields.fixed_amount ?? null,
      scene: fields.scene ?? null,
      title: fields.title ?? null,
      geofence: fields.geofence ? JSON.stringify({ lat: fields.geofence.lat, lng: fields.geofence.lng, radiusMeters: fields.geofence.radiusMeters }) : null,
      ttl_seconds: fields.ttl_seconds,
      scheme: schemeForTier(owner.tier),
      same_amount_streak: 0,
      last_amount: null,
      created_at: this.ctx.clock.now(),
    };
    await this.ctx.stores.codes.insert(row);
    await this.ctx.events.emit({ type: 'code.created', actorId: owner.id, subjectId: row.id, accountIds: [owner.id], amount: 0, data: { kind: row.kind, packetId: row.packet_id }, at: row.created_at });
    return row;
  }

  /** Tells the change (when it is one worth an event) and wakes the code's long-polls once it commits. */
  private async changed(code: CodeRow, type: 'code.refreshed' | 'code.revoked' | 'code.unfrozen' | 'code.frozen' | null, actorId: string | null): Promise<CodeRow> {
    if (type) await this.ctx.events.emit({ type, actorId, subjectId: code.id, accountIds: [code.owner_id], amount: 0, data: { version: code.version }, at: this.ctx.clock.now() });
    this.ctx.db.onCommit(() => this.ctx.bus.notify(codeChangeKey(code.id)));
    return code;
  }

  /**
   * The protocol view of a code with a newly minted token. Clients refresh every 60 s (sooner for a
   * TTL under two minutes: at half the TTL), so the token on screen always has life left.
   */
  private async view(code: CodeRow, publicBase: string): Promise<Code> {
    const key = await this.keys.activeKey(code.scheme as TokenScheme);
    const issuedAt = Math.floor(this.ctx.clock.now() / 1000);
    const expiresAt = issuedAt + code.ttl_seconds;
    const token = encodeToken(
      { codeId: code.id, kind: code.kind, version: code.version, issuedAt, expiresAt, nonce: randomBytes(TOKEN_NONCE_BYTES) },
      key,
    );
    const refreshAt = issuedAt + Math.min(CODE_REFRESH_SECONDS, Math.floor(code.ttl_seconds / 2));
    return {
      id: code.id,
      kind: code.kind,
      status: code.status,
      ownerId: code.owner_id,
      packetId: code.packet_id,
      fixedAmount: code.fixed_amount,
      scene: code.scene as Scene | null,
      title: code.title,
      geofence: parseGeofence(code),
      version: code.version,
      token,
      url: `${publicBase}/c/${token}`,
      keyId: key.kid,
      issuedAt: toIso(issuedAt * 1000),
      expiresAt: toIso(expiresAt * 1000),
      refreshAt: toIso(refreshAt * 1000),
    };
  }
}
