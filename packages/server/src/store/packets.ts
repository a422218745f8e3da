import type { Database } from './sql';

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

/** What taking a share (PostgreSQL) needs. */
export interface ClaimInput {
  packet_id: string;
  claim_id: string;
  user_id: string;
  device_id: string | null;
  transfer_id: string;
  wallet_account_id: string;
  now: number;
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

/**
 * A packet row with the position a listing pages by: the packet's id for packets sent, the claim's
 * id for packets received (ids are time-ordered, see ids.ts).
 */
export type PagedPacketRow = PacketRow & { position: string };

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

  private readonly markShareStmt;
  private readonly takeShareStmt;
  private readonly countShareStmt;

  constructor(readonly db: Database) {
    this.markShareStmt = db.prepare('UPDATE packet_shares SET claim_id = ? WHERE packet_id = ? AND slot = ?');
    this.takeShareStmt = db.prepare(
      `WITH share AS (
         UPDATE packet_shares s SET claim_id = @claim_id
         WHERE (s.packet_id, s.slot) = (
           SELECT o.packet_id, o.slot FROM packet_shares o
           WHERE o.packet_id = @packet_id AND o.claim_id IS NULL
           ORDER BY o.slot LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING s.slot, s.amount
       ), claim AS (
         INSERT INTO claims (id, packet_id, user_id, slot, amount, device_id, created_at)
         SELECT @claim_id, @packet_id, @user_id, share.slot, share.amount, @device_id, @now FROM share
         RETURNING *
       ), transfer AS (
         INSERT INTO transfers (id, kind, reference, created_at) SELECT @transfer_id, 'packet.claim', claim.id, @now FROM claim
         RETURNING id
       ), wallet AS (
         UPDATE ledger_accounts a SET balance = a.balance + claim.amount FROM claim
         WHERE a.id = @wallet_account_id RETURNING a.id, a.balance, claim.amount
       ), entry AS (
         INSERT INTO ledger_entries (transfer_id, ledger_account_id, amount, balance_after, created_at)
         SELECT transfer.id, wallet.id, wallet.amount, wallet.balance, @now FROM transfer, wallet
       )
       SELECT row_to_json(claim) AS claim FROM claim`,
    );
    this.countShareStmt = db.prepare(
      `WITH packet AS (
         UPDATE packets p SET claimed_count = p.claimed_count + 1, claimed_amount = p.claimed_amount + @amount, version = p.version + 1
         WHERE p.id = @packet_id AND p.status = 'active' AND p.claimed_count < p.count AND p.expires_at > @now
         RETURNING p.*
       ), escrow AS (
         UPDATE ledger_accounts a SET balance = a.balance - @amount FROM packet
         WHERE a.id = packet.escrow_account_id RETURNING a.id, a.balance
       ), entry AS (
         INSERT INTO ledger_entries (transfer_id, ledger_account_id, amount, balance_after, created_at)
         SELECT @transfer_id, escrow.id, -@amount, escrow.balance, @now FROM escrow
       )
       SELECT row_to_json(packet) AS packet FROM packet`,
    );
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
      `SELECT p.*, p.id AS position FROM packets p
       WHERE p.sender_id = @accountId AND (CAST(@before AS TEXT) IS NULL OR p.id < @before) ORDER BY p.id DESC LIMIT @limit`,
    );
    this.receivedStmt = db.prepare(
      `SELECT p.*, c.id AS position FROM claims c JOIN packets p ON p.id = c.packet_id
       WHERE c.user_id = @accountId AND (CAST(@before AS TEXT) IS NULL OR c.id < @before) ORDER BY c.id DESC LIMIT @limit`,
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

  /** The packet with its sender's name (the claim shows it, and reads both at once). */
  async byIdWithSenderName(id: string): Promise<(PacketRow & { sender_name: string }) | undefined> {
    return (await this.db.prepare('SELECT p.*, a.name AS sender_name FROM packets p JOIN accounts a ON a.id = p.sender_id WHERE p.id = ?').get(id)) as
      | (PacketRow & { sender_name: string })
      | undefined;
  }

  async byId(id: string): Promise<PacketRow | undefined> {
    return (await this.byIdStmt.get(id)) as PacketRow | undefined;
  }

  /** Inserts a packet and its shares, in slot order (callers run it inside `ctx.db.tx`). */
  async insert(row: PacketRow, shares: number[]): Promise<void> {
    await this.insertStmt.run(row);
    for (const [slot, amount] of shares.entries()) await this.insertShareStmt.run(row.id, slot, amount);
  }

  /** The shares in slot order (the order claims take them). */
  async shares(packetId: string): Promise<number[]> {
    return (await this.sharesStmt.all(packetId)) as number[];
  }

  /**
   * Takes the next unclaimed slot and adds its amount to `claimed_amount`, bumping the version.
   * Returns the updated packet (the slot taken is `claimed_count - 1`), or undefined when none is
   * left, the packet is no longer active, or its window has closed at `now`.
   */
  async takeSlot(id: string, now: number): Promise<PacketRow | undefined> {
    return (await this.takeSlotStmt.get({ id, now })) as PacketRow | undefined;
  }

  /** Inserts a claim and marks the share of its slot as taken by it. */
  async insertClaim(row: ClaimRow): Promise<void> {
    await this.insertClaimStmt.run(row);
    await this.markShareStmt.run(row.id, row.packet_id, row.slot);
  }

  /**
   * PostgreSQL, the first half of a claim, in one statement: the first share no one holds (`FOR
   * UPDATE SKIP LOCKED`: concurrent claimers of a hot packet take different shares instead of
   * queueing for one), marked as taken, the claim row, and the share's amount moved into the
   * claimer's wallet (transfer, balance, entry). It touches no row another claimer needs. Resolves
   * to the claim, or null when every share is taken or held by a claimer still in flight.
   */
  async takeShare(input: ClaimInput): Promise<ClaimRow | null> {
    return ((await this.takeShareStmt.get(input)) as { claim: ClaimRow } | undefined)?.claim ?? null;
  }

  /**
   * PostgreSQL, the second half, in one statement: the share counted on the packet (re-checking
   * status, window and count under the packet's row lock) and its amount taken out of the packet's
   * escrow, with the escrow's ledger entry. These rows are every claimer's, so the caller issues
   * this last, right before its commit: the lock is held for one statement and the commit. Resolves
   * to the updated packet, or null when it closed meanwhile (the caller must then roll back).
   */
  async countShare(input: { packet_id: string; transfer_id: string; amount: number; now: number }): Promise<PacketRow | null> {
    return ((await this.countShareStmt.get(input)) as { packet: PacketRow } | undefined)?.packet ?? null;
  }

  async claimBy(packetId: string, userId: string): Promise<ClaimRow | undefined> {
    return (await this.claimByUserStmt.get(packetId, userId)) as ClaimRow | undefined;
  }

  async namedClaim(claimId: string): Promise<NamedClaimRow | undefined> {
    return (await this.namedClaimStmt.get(claimId)) as NamedClaimRow | undefined;
  }

  async hasClaimed(packetId: string, userId: string): Promise<boolean> {
    return (await this.isClaimerStmt.get(packetId, userId)) !== undefined;
  }

  /** Marks a fully claimed packet finished and names its luckiest claim; undefined if not due. */
  async finish(id: string, now: number): Promise<PacketRow | undefined> {
    return (await this.finishStmt.get({ id, now })) as PacketRow | undefined;
  }

  /** Claims of a packet in claim order, after slot `afterSlot` (-1 for the first page). */
  async claimsPage(packetId: string, afterSlot: number, limit: number): Promise<NamedClaimRow[]> {
    return (await this.claimsPageStmt.all({ packetId, afterSlot, limit })) as NamedClaimRow[];
  }

  /** Packets an account sent, newest first, before listing position (packet id) `before`. */
  async sent(accountId: string, before: string | null, limit: number): Promise<PagedPacketRow[]> {
    return (await this.sentStmt.all({ accountId, before, limit })) as PagedPacketRow[];
  }

  /** Packets an account claimed from, most recent claim first, before listing position (claim id) `before`. */
  async received(accountId: string, before: string | null, limit: number): Promise<PagedPacketRow[]> {
    return (await this.receivedStmt.all({ accountId, before, limit })) as PagedPacketRow[];
  }

  /** Ids of active or expired packets whose window closed at or before `now`, oldest first. */
  async dueForRefund(now: number, limit: number): Promise<string[]> {
    return (await this.dueStmt.all(now, limit)) as string[];
  }

  /** Moves an active packet whose window has closed to `expired`; false when it was not due. */
  async expire(id: string, now: number): Promise<boolean> {
    return (await this.expireStmt.run(id, now)).changes === 1;
  }

  /**
   * Marks an expired packet with money left as refunded, recording the remainder as refunded.
   * Returns the updated packet, or undefined when it was not expired or had nothing left; that
   * condition is what keeps a second sweeper from refunding the same packet again.
   */
  async markRefunded(id: string, now: number): Promise<PacketRow | undefined> {
    return (await this.markRefundedStmt.get({ id, now })) as PacketRow | undefined;
  }
}
