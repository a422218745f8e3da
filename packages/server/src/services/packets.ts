import {
  clampRecommendation,
  SCENE_INFO,
  type Claim,
  type ClaimsPage,
  type CreatePacketBody,
  type Fairness,
  type Packet,
  type Page,
  type Scene,
} from '@hongbao/protocol';
import { isoOrNull, toIso } from '../clock';
import { fairnessCommitment, newFairnessSalt } from '../domain/fairness';
import { maskName } from '../domain/mask';
import { PERSONAL_MAX_STDDEV_FEN, splitPacket, type SplitAlgorithm } from '../domain/split';
import { fail } from '../errors';
import { newId } from '../ids';
import type { ClaimRow, NamedClaimRow, PacketRow, PagedPacketRow } from '../store/packets';
import { waitForChange, type Actor, type ServiceContext } from './context';
import { policyFor, type LimitService } from './limits';
import type { RiskEngine } from '../risk/engine';

/** The bus key long-polls on a packet wait for. */
export const packetTopic = (packetId: string): string => `packet:${packetId}`;

/** Statuses after which the salt and shares are revealed (SPEC §3, verifiable fairness). */
const ENDED: ReadonlySet<Packet['status']> = new Set(['finished', 'expired', 'refunded']);

/** A claim as the API shows it: the claimer's name masked for everyone, the claimer included. */
export function claimView(row: ClaimRow, claimerName: string): Claim {
  return { id: row.id, packetId: row.packet_id, userId: row.user_id, name: maskName(claimerName), amount: row.amount, createdAt: toIso(row.created_at) };
}

/**
 * Checks an id cursor this API handed out (listings page by time-ordered ids of one kind, `prefix`);
 * VALIDATION_FAILED for anything else.
 */
export function idCursor(cursor: string | undefined, prefix: string): string | null {
  if (cursor === undefined || cursor === '') return null;
  if (!cursor.startsWith(`${prefix}_`) || !/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) fail('VALIDATION_FAILED', 'cursor is not one this API returned.', { field: 'cursor' });
  return cursor;
}

/** Parses a numeric cursor this API handed out; VALIDATION_FAILED for anything else. */
function numericCursor(cursor: string | undefined): number | null {
  if (cursor === undefined || cursor === '') return null;
  if (!/^\d{1,15}$/.test(cursor)) fail('VALIDATION_FAILED', 'cursor is not one this API returned.', { field: 'cursor' });
  return Number(cursor);
}

/**
 * Red packets: creation (split, escrow funding, fairness commitment), what the sender and the
 * claimers may see, long-polling for changes, and the listings.
 */
export class PacketService {
  constructor(
    readonly ctx: ServiceContext,
    readonly limits: LimitService,
    readonly risk: RiskEngine,
  ) {}

  /**
   * Creates a packet: checks the request against the sender's tier, reserves the daily limit,
   * moves the total from the sender's wallet into the packet's own escrow account and stores the
   * shares, all in one transaction. INSUFFICIENT_FUNDS comes from the ledger.
   */
  async create(actor: Actor, body: CreatePacketBody): Promise<Packet> {
    const sender = actor.account;
    const policy = policyFor(sender);
    const { mode, total, count } = body;

    if (count > policy.tier.maxCount) {
      fail('VALIDATION_FAILED', `count may be at most ${policy.tier.maxCount} for a ${sender.tier} account (got ${count}).`, { field: 'count' });
    }
    if (total < count) fail('VALIDATION_FAILED', `total ${total} fen cannot give ${count} shares of at least 1 fen each.`, { field: 'total' });
    if (mode === 'fixed' && total % count !== 0) {
      fail('VALIDATION_FAILED', `A fixed packet needs a total divisible by count; ${total} fen does not split into ${count} equal shares.`, { field: 'total' });
    }
    if (mode !== 'random' && body.algorithm !== undefined) {
      fail('VALIDATION_FAILED', `algorithm applies to random packets only; a ${mode} packet uses equal shares.`, { field: 'algorithm' });
    }
    if (mode === 'exclusive') {
      if (body.recipient === undefined) fail('VALIDATION_FAILED', 'An exclusive packet needs a recipient account id.', { field: 'recipient' });
      if (count !== 1) fail('VALIDATION_FAILED', `An exclusive packet has exactly one share (got count ${count}).`, { field: 'count' });
      if (body.recipient === sender.id) fail('VALIDATION_FAILED', 'An exclusive packet cannot be sent to yourself.', { field: 'recipient' });
      if (!(await this.ctx.stores.accounts.byId(body.recipient!))) fail('VALIDATION_FAILED', `recipient ${body.recipient} is not a known account.`, { field: 'recipient' });
    } else if (body.recipient !== undefined) {
      fail('VALIDATION_FAILED', 'recipient applies to exclusive packets only.', { field: 'recipient' });
    }

    const scene: Scene = body.scene ?? 'general';
    const message = body.message?.trim() || SCENE_INFO[scene].defaultMessage;
    const algorithm: SplitAlgorithm = mode === 'random' ? (body.algorithm ?? 'double-mean') : 'fixed';
    const shares = splitPacket({
      total,
      count,
      algorithm,
      rng: this.ctx.rng,
      maxStdDev: mode === 'random' && sender.tier === 'personal' ? PERSONAL_MAX_STDDEV_FEN : undefined,
    });
    const salt = newFairnessSalt(this.ctx.rng);
    const now = this.ctx.clock.now();
    const id = newId('pk');

    return this.ctx.db.tx(async () => {
      // Risk rules (banned words, limits, devices, AML, …) before anything changes.
      await this.risk.screen({ action: 'create', account: sender, deviceId: actor.deviceId, amount: total, message, subject: id });
      const { ledger, packets } = this.ctx.stores;
      await this.limits.reserveDaily(sender, total);
      const escrow = await ledger.account(id, 'escrow');
      const row: PacketRow = {
        id,
        sender_id: sender.id,
        mode,
        algorithm,
        total,
        count,
        message,
        scene,
        recipient_id: body.recipient ?? null,
        status: 'active',
        claimed_count: 0,
        claimed_amount: 0,
        refunded_amount: 0,
        version: 1,
        salt,
        commitment: fairnessCommitment(salt, shares),
        luckiest_claim_id: null,
        escrow_account_id: escrow,
        created_at: now,
        expires_at: now + (body.expiresIn ?? this.ctx.config.packetTtlSeconds) * 1000,
        finished_at: null,
        refunded_at: null,
      };
      await packets.insert(row, shares);
      await ledger.transfer('packet.fund', id, [
        { account: await ledger.account(sender.id, 'wallet'), amount: -total },
        { account: escrow, amount: total },
      ], now);
      await this.ctx.events.emit({
        type: 'packet.created',
        actorId: sender.id,
        subjectId: id,
        accountIds: row.recipient_id ? [sender.id, row.recipient_id] : [sender.id],
        amount: total,
        data: { mode, count, algorithm, scene, commitment: row.commitment, expiresAt: row.expires_at },
        at: now,
      });
      return this.view(row);
    });
  }

  /** A packet its sender owns (for issuing claim codes); NOT_FOUND or FORBIDDEN otherwise. */
  async getOwned(actor: Actor, packetId: string): Promise<PacketRow> {
    const row = await this.ctx.stores.packets.byId(packetId);
    if (!row) fail('NOT_FOUND', `No packet ${packetId}.`);
    if (row!.sender_id !== actor.account.id) fail('FORBIDDEN', 'Only the sender of this packet may do that.');
    return row!;
  }

  /**
   * A packet the caller may see: its sender, its claimers, and the named recipient of an
   * exclusive packet (who must be able to open it before claiming). FORBIDDEN for everyone else.
   */
  async getVisible(actor: Actor, packetId: string): Promise<PacketRow> {
    const row = await this.ctx.stores.packets.byId(packetId);
    if (!row) fail('NOT_FOUND', `No packet ${packetId}.`);
    const me = actor.account.id;
    if (row!.sender_id !== me && row!.recipient_id !== me && !(await this.ctx.stores.packets.hasClaimed(packetId, me))) {
      fail('FORBIDDEN', 'Only the sender and the claimers of this packet may see it.');
    }
    return row!;
  }

  async get(actor: Actor, packetId: string): Promise<Packet> {
    return this.view(await this.getVisible(actor, packetId));
  }

  /**
   * Long-poll (SPEC §10): answers at once when the packet's version differs from `version`,
   * otherwise at its next change, when its claim window closes, after `waitMs`, or when `signal`
   * aborts (the client went away), whichever comes first.
   */
  async poll(actor: Actor, packetId: string, options: { version?: number; waitMs?: number; signal?: AbortSignal }): Promise<Packet> {
    const row = await this.getVisible(actor, packetId);
    const { version, signal } = options;
    let waitMs = options.waitMs ?? 0;
    // Closing the window changes the status shown without a write, so nothing would wake the
    // wait; end it then. Past the window, the sweeper's refund is the next change and notifies.
    const untilExpiry = row.expires_at - this.ctx.clock.now();
    if (row.status === 'active' && untilExpiry > 0) waitMs = Math.min(waitMs, untilExpiry);
    if (version === undefined || row.version !== version || waitMs <= 0 || signal?.aborted) return this.view(row);
    // The wait subscribes, then reads the version again, so no commit can slip in between and be missed.
    await waitForChange(this.ctx, packetTopic(packetId), waitMs, signal, async () => (await this.ctx.stores.packets.byId(packetId))!.version === version);
    return this.view((await this.ctx.stores.packets.byId(packetId))!);
  }

  /** Claims of a visible packet in claim order (oldest first), with the luckiest once finished. */
  async claims(actor: Actor, packetId: string, cursor: string | undefined, limit: number): Promise<ClaimsPage> {
    const row = await this.getVisible(actor, packetId);
    const afterSlot = numericCursor(cursor) ?? -1;
    const rows = await this.ctx.stores.packets.claimsPage(packetId, afterSlot, limit + 1);
    const data = rows.slice(0, limit).map((claim) => claimView(claim, claim.name));
    return { data, nextCursor: rows.length > limit ? String(rows[limit - 1].slot) : null, luckiest: await this.luckiest(row) };
  }

  /** The salt and shares behind the commitment; revealed only once the packet has ended. */
  async fairness(actor: Actor, packetId: string): Promise<Fairness> {
    const row = await this.getVisible(actor, packetId);
    if (!ENDED.has(this.displayStatus(row))) {
      fail('FORBIDDEN', 'The salt and shares are revealed once the packet has ended (finished or expired); the commitment is public now.');
    }
    return { salt: row.salt, shares: await this.ctx.stores.packets.shares(packetId), commitment: row.commitment };
  }

  /** The caller's packets, newest first: those it sent, or those it claimed from. */
  async list(actor: Actor, role: 'sent' | 'received', cursor: string | undefined, limit: number): Promise<Page<Packet>> {
    // Sent packets page by packet id, received ones by the id of the caller's claim.
    const before = idCursor(cursor, role === 'sent' ? 'pk' : 'cl');
    const { packets } = this.ctx.stores;
    const rows: PagedPacketRow[] = role === 'sent' ? await packets.sent(actor.account.id, before, limit + 1) : await packets.received(actor.account.id, before, limit + 1);
    const data: Packet[] = [];
    for (const row of rows.slice(0, limit)) data.push(await this.view(row));
    return { data, nextCursor: rows.length > limit ? String(rows[limit - 1].position) : null };
  }

  /** Every scene with its recommended range clamped to what the caller may send at once. */
  scenes(actor: Actor) {
    const { singleLimit } = policyFor(actor.account, this.ctx.config.risk.regionFactors);
    return {
      data: Object.values(SCENE_INFO).map((info) => ({
        scene: info.scene,
        name: info.name,
        nameEn: info.nameEn,
        defaultMessage: info.defaultMessage,
        recommended: clampRecommendation(info.scene, singleLimit),
      })),
    };
  }

  /**
   * The packet as the API shows it. An active packet whose window has closed shows as expired
   * straight away, before the sweeper gets to refund it. Pass the sender's name when it is at hand
   * to save a read.
   */
  async view(row: PacketRow, senderName?: string): Promise<Packet> {
    return {
      id: row.id,
      senderId: row.sender_id,
      senderName: senderName ?? (await this.ctx.stores.accounts.byId(row.sender_id))?.name ?? '',
      mode: row.mode,
      algorithm: row.algorithm,
      total: row.total,
      count: row.count,
      message: row.message,
      scene: row.scene as Scene,
      recipientId: row.recipient_id,
      status: this.displayStatus(row),
      claimedCount: row.claimed_count,
      claimedAmount: row.claimed_amount,
      refundedAmount: row.refunded_amount,
      version: row.version,
      commitment: row.commitment,
      luckiest: await this.luckiest(row),
      createdAt: toIso(row.created_at),
      expiresAt: toIso(row.expires_at),
      finishedAt: isoOrNull(row.finished_at),
      refundedAt: isoOrNull(row.refunded_at),
    };
  }

  private displayStatus(row: PacketRow): Packet['status'] {
    return row.status === 'active' && row.expires_at <= this.ctx.clock.now() ? 'expired' : row.status;
  }

  /** 手气最佳: named only once every share is claimed. */
  private async luckiest(row: PacketRow): Promise<Packet['luckiest']> {
    if (row.status !== 'finished' || !row.luckiest_claim_id) return null;
    const claim: NamedClaimRow | undefined = await this.ctx.stores.packets.namedClaim(row.luckiest_claim_id);
    return claim ? { userId: claim.user_id, name: maskName(claim.name), amount: claim.amount, claimId: claim.id } : null;
  }
}
