import type { Sqlite } from './database';

/** A row of `packets` (see migrations.ts). */
export interface PacketRow {
  id: string;
  sender_id: string;
  mode: 'random' | 'fixed' | 'exclusive';
  algorithm: 'double-mean' | 'line-cut' | 'fixed';
  total: number;
  count: number;
  message: string;
  scene: string;
  recipient_id: string | null;
  status: 'active' | 'finished' | 'expired' | 'refunded' | 'frozen';
  claimed_count: number;
  claimed_amount: number;
  refunded_amount: number;
  version: number;
  salt: string;
  commitment: string;
  luckiest_claim_id: string | null;
  escrow_account_id: string;
  created_at: number;
  expires_at: number;
  finished_at: number | null;
  refunded_at: number | null;
}

/** A row of `claims`. */
export interface ClaimRow {
  id: string;
  packet_id: string;
  user_id: string;
  slot: number;
  amount: number;
  device_id: string | null;
  created_at: number;
}

/** A claim with its claimer's (unmasked) display name, for views. */
export interface NamedClaimRow extends ClaimRow {
  name: string;
}

/** A packet row with the position a listing pages by. */
export type PagedPacketRow = PacketRow & { position: number };

/**
 * SQL for packets, their shares and their claims. The claim path uses only prepared statements,
 * and takes a slot and its amount in one conditional UPDATE, so concurrent claims can never hand
 * out more shares than the packet has.
 */
export class PacketStore {
  private readonly byIdStmt;
  private readonly insertStmt;
  private readonly insertShareStmt;
  private readonly sharesStmt;
  private readonly takeSlotStmt;
  private readonly insertClaimStmt;
  private readonly claimByUserStmt;
  private readonly namedClaimStmt;
  private readonly finishStmt;
  private readonly claimsPageStmt;
  private readonly isClaimerStmt;
  private readonly sentStmt;
  private readonly receivedStmt;
  private readonly dueStmt;
  private readonly expireStmt;
  private readonly markRefundedStmt;

  constructor(readonly db: Sqlite) {
    this.byIdStmt = db.prepare('SELECT * FROM packets WHERE id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO packets (id, sender_id, mode, algorithm, total, count, message, scene, recipient_id, status, claimed_count, claimed_amount,
         refunded_amount, version, salt, commitment, luckiest_claim_id, escrow_account_id, created_at, expires_at, finished_at, refunded_at)
       VALUES (@id, @sender_id, @mode, @algorithm, @total, @count, @message, @scene, @recipient_id, @status, @claimed_count, @claimed_amount,
         @refunded_amount, @version, @salt, @commitment, @luckiest_claim_id, @escrow_account_id, @created_at, @expires_at, @finished_at, @refunded_at)`,
    );
    this.insertShareStmt = db.prepare('INSERT INTO packet_shares (packet_id, slot, amount) VALUES (?, ?, ?)');
    this.sharesStmt = db.prepare('SELECT amount FROM packet_shares WHERE packet_id = ? ORDER BY slot').pluck();
    // SET expressions see the row as it was before the UPDATE, so `claimed_count` inside the
    // subquery is the slot being taken.
    this.takeSlotStmt = db.prepare(
      `UPDATE packets SET
         claimed_amount = claimed_amount + (SELECT s.amount FROM packet_shares s WHERE s.packet_id = packets.id AND s.slot = packets.claimed_count),
         claimed_count = claimed_count + 1,
         version = version + 1
       WHERE id = @id AND status = 'active' AND claimed_count < count AND expires_at > @now
       RETURNING *`,
    );
    this.insertClaimStmt = db.prepare(
      'INSERT INTO claims (id, packet_id, user_id, slot, amount, device_id, created_at) VALUES (@id, @packet_id, @user_id, @slot, @amount, @device_id, @created_at)',
    );
    this.claimByUserStmt = db.prepare('SELECT * FROM claims WHERE packet_id = ? AND user_id = ?');
    this.namedClaimStmt = db.prepare('SELECT c.*, a.name FROM claims c JOIN accounts a ON a.id = c.user_id WHERE c.id = ?');
    // Ties go to the earliest claim, and slots are taken in claim order.
    this.finishStmt = db.prepare(
      `UPDATE packets SET status = 'finished', finished_at = @now, version = version + 1,
         luckiest_claim_id = (SELECT c.id FROM claims c WHERE c.packet_id = packets.id ORDER BY c.amount DESC, c.slot ASC LIMIT 1)
       WHERE id = @id AND status = 'active' AND claimed_count = count
       RETURNING *`,
    );
    this.claimsPageStmt = db.prepare(
      `SELECT c.*, a.name FROM claims c JOIN accounts a ON a.id = c.user_id
       WHERE c.packet_id = @packetId AND c.slot > @afterSlot ORDER BY c.slot LIMIT @limit`,
    );
    this.isClaimerStmt = db.prepare('SELECT 1 FROM claims WHERE packet_id = ? AND user_id = ?').pluck();
    this.sentStmt = db.prepare(
      `SELECT p.*, p.rowid AS position FROM packets p
       WHERE p.sender_id = @accountId AND (@before IS NULL OR p.rowid < @before) ORDER BY p.rowid DESC LIMIT @limit`,
    );
    this.receivedStmt = db.prepare(
      `SELECT p.*, c.rowid AS position FROM claims c JOIN packets p ON p.id = c.packet_id
       WHERE c.user_id = @accountId AND (@before IS NULL OR c.rowid < @before) ORDER BY c.rowid DESC LIMIT @limit`,
    );
    this.dueStmt = db.prepare(
      "SELECT id FROM packets WHERE status IN ('active', 'expired') AND expires_at <= ? ORDER BY expires_at, id LIMIT ?",
    ).pluck();
    this.expireStmt = db.prepare(
      "UPDATE packets SET status = 'expired', version = version + 1 WHERE id = ? AND status = 'active' AND expires_at <= ?",
    );
    this.markRefundedStmt = db.prepare(
      `UPDATE packets SET status = 'refunded', refunded_amount = total - claimed_amount, refunded_at = @now, version = version + 1
       WHERE id = @id AND status = 'expired' AND total - claimed_amount - refunded_amount > 0
       RETURNING *`,
    );
  }

  byId(id: string): PacketRow | undefined {
    return this.byIdStmt.get(id) as PacketRow | undefined;
  }

  /** Inserts a packet and its shares, in slot order. */
  insert(row: PacketRow, shares: number[]): void {
    this.insertStmt.run(row);
    shares.forEach((amount, slot) => this.insertShareStmt.run(row.id, slot, amount));
  }

  /** The shares in slot order (the order claims take them). */
  shares(packetId: string): number[] {
    return this.sharesStmt.all(packetId) as number[];
  }

  /**
   * Takes the next unclaimed slot and adds its amount to `claimed_amount`, bumping the version.
   * Returns the updated packet (the slot taken is `claimed_count - 1`), or undefined when none is
   * left, the packet is no longer active, or its window has closed at `now`.
   */
  takeSlot(id: string, now: number): PacketRow | undefined {
    return this.takeSlotStmt.get({ id, now }) as PacketRow | undefined;
  }

  insertClaim(row: ClaimRow): void {
    this.insertClaimStmt.run(row);
  }

  claimBy(packetId: string, userId: string): ClaimRow | undefined {
    return this.claimByUserStmt.get(packetId, userId) as ClaimRow | undefined;
  }

  namedClaim(claimId: string): NamedClaimRow | undefined {
    return this.namedClaimStmt.get(claimId) as NamedClaimRow | undefined;
  }

  hasClaimed(packetId: string, userId: string): boolean {
    return this.isClaimerStmt.get(packetId, userId) !== undefined;
  }

  /** Marks a fully claimed packet finished and names its luckiest claim; undefined if not due. */
  finish(id: string, now: number): PacketRow | undefined {
    return this.finishStmt.get({ id, now }) as PacketRow | undefined;
  }

  /** Claims of a packet in claim order, after slot `afterSlot` (-1 for the first page). */
  claimsPage(packetId: string, afterSlot: number, limit: number): NamedClaimRow[] {
    return this.claimsPageStmt.all({ packetId, afterSlot, limit }) as NamedClaimRow[];
  }

  /** Packets an account sent, newest first, before listing position `before`. */
  sent(accountId: string, before: number | null, limit: number): PagedPacketRow[] {
    return this.sentStmt.all({ accountId, before, limit }) as PagedPacketRow[];
  }

  /** Packets an account claimed from, most recent claim first, before listing position `before`. */
  received(accountId: string, before: number | null, limit: number): PagedPacketRow[] {
    return this.receivedStmt.all({ accountId, before, limit }) as PagedPacketRow[];
  }

  /** Ids of active or expired packets whose window closed at or before `now`, oldest first. */
  dueForRefund(now: number, limit: number): string[] {
    return this.dueStmt.all(now, limit) as string[];
  }

  /** Moves an active packet whose window has closed to `expired`; false when it was not due. */
  expire(id: string, now: number): boolean {
    return this.expireStmt.run(id, now).changes === 1;
  }

  /**
   * Marks an expired packet with money left as refunded, recording the remainder as refunded.
   * Returns the updated packet, or undefined when it was not expired or had nothing left; that
   * condition is what keeps a second sweeper from refunding the same packet again.
   */
  markRefunded(id: string, now: number): PacketRow | undefined {
    return this.markRefundedStmt.get({ id, now }) as PacketRow | undefined;
  }
}
