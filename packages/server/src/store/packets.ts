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

/** Claims of one packet taken together (PacketStore.takeShares): one entry per claimer, in order. */
export interface SharesInput {
  packet_id: string;
  now: number;
  claimers: ReadonlyArray<{ claim_id: string; user_id: string; device_id: string | null; transfer_id: string; wallet_account_id: string }>;
}

/** What a batch of claims of one packet reads before it writes (PacketStore.forClaims). */
export interface ClaimsContextRow {
  packet: PacketRow & { sender_name: string };
  /** By user id: the user's earlier claim of the packet and wallet account, each null when none. */
  claimers: Map<string, { earlier: ClaimRow | null; walletId: string | null }>;
}

/** A user's earlier claim of a packet as forClaim and forClaims read it: the `earlier_*` columns of a LEFT JOIN. */
interface EarlierColumns {
  earlier_id: string | null;
  earlier_slot: number;
  earlier_amount: number;
  earlier_device_id: string | null;
  earlier_created_at: number;
}

/** The earlier claim that `columns` hold, or null when the user has none. */
function earlierClaim(packetId: string, userId: string, columns: EarlierColumns): ClaimRow | null {
  if (columns.earlier_id === null) return null;
  return {
    id: columns.earlier_id,
    packet_id: packetId,
    user_id: userId,
    slot: columns.earlier_slot,
    amount: columns.earlier_amount,
    device_id: columns.earlier_device_id,
    created_at: columns.earlier_created_at,
  };
}

/** What a claim reads before it writes (PacketStore.forClaim). */
export interface ClaimContextRow {
  packet: PacketRow & { sender_name: string };
  earlier: ClaimRow | null;
  walletId: string | null;
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
  private readonly insertSharesStmt;
  private readonly sharesStmt;
  private readonly takeSlotStmt;
  private readonly insertClaimStmt;
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
  private readonly forClaimStmt;
  private readonly forClaimsStmt;
  private readonly takeSharesStmt;
  private readonly takeSlotsStmt;
  private readonly withSenderStmt;
  private readonly claimersStmt;
  private readonly openSharesStmt;
  private readonly markSharesStmt;
  private readonly insertClaimsStmt;
  private readonly insertTransfersStmt;
  private readonly creditWalletsStmt;
  private readonly debitEscrowStmt;
  private readonly insertEntriesStmt;
  private readonly takeShareStmt;

  constructor(readonly db: Database) {
    this.markShareStmt = db.prepare('UPDATE packet_shares SET claim_id = ? WHERE packet_id = ? AND slot = ?');
    // PostgreSQL, the whole claim in one statement (see takeShare). The packet's UPDATE comes first
    // and everything else hangs off its result, so its row lock is the first lock taken.
    this.takeShareStmt = db.prepare(
      `WITH packet AS (
         UPDATE packets p SET
           claimed_amount = p.claimed_amount + (SELECT s.amount FROM packet_shares s WHERE s.packet_id = p.id AND s.slot = p.claimed_count),
           claimed_count = p.claimed_count + 1,
           version = p.version + 1
         WHERE p.id = @packet_id AND p.status = 'active' AND p.claimed_count < p.count AND p.expires_at > @now
         RETURNING p.*
       ), share AS (
         UPDATE packet_shares s SET claim_id = @claim_id FROM packet
         WHERE s.packet_id = packet.id AND s.slot = packet.claimed_count - 1 AND s.claim_id IS NULL
         RETURNING s.slot, s.amount, packet.escrow_account_id
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
       ), escrow AS (
         UPDATE ledger_accounts a SET balance = a.balance - claim.amount FROM claim, share
         WHERE a.id = share.escrow_account_id RETURNING a.id, a.balance, -claim.amount AS amount
       ), entry AS (
         INSERT INTO ledger_entries (transfer_id, ledger_account_id, amount, balance_after, created_at)
         SELECT transfer.id, moved.id, moved.amount, moved.balance, @now
         FROM transfer, (SELECT id, balance, amount FROM escrow UNION ALL SELECT id, balance, amount FROM wallet) moved
       )
       SELECT row_to_json(claim) AS claim, row_to_json(packet) AS packet
       FROM packet LEFT JOIN claim ON true`,
    );
    this.forClaimStmt = db.prepare(
      `SELECT p.*, a.name AS sender_name, w.id AS wallet_id,
         c.id AS earlier_id, c.slot AS earlier_slot, c.amount AS earlier_amount, c.device_id AS earlier_device_id, c.created_at AS earlier_created_at
       FROM packets p JOIN accounts a ON a.id = p.sender_id
       LEFT JOIN claims c ON c.packet_id = p.id AND c.user_id = @user_id
       LEFT JOIN ledger_accounts w ON w.owner_id = @user_id AND w.type = 'wallet'
       WHERE p.id = @id`,
    );
    // PostgreSQL, for claims taken together (see takeShares): what forClaim reads, for many users in one statement.
    // Each user's claim and wallet is a LATERAL lookup by its unique index (LIMIT 1 keeps the planner
    // from flattening it into a join): a packet filling up faster than statistics are gathered
    // otherwise got a plan that scanned all of the packet's claims for every user (16 ms a batch).
    this.forClaimsStmt = db.prepare(
      `SELECT p.*, a.name AS sender_name,
         (SELECT json_agg(json_build_object('user_id', u.user_id, 'wallet_id', w.id, 'earlier', CASE WHEN c.id IS NULL THEN NULL ELSE row_to_json(c) END))
          FROM unnest(CAST(@users AS TEXT[])) AS u(user_id)
          LEFT JOIN LATERAL (SELECT * FROM claims c WHERE c.packet_id = p.id AND c.user_id = u.user_id LIMIT 1) c ON true
          LEFT JOIN LATERAL (SELECT id FROM ledger_accounts w WHERE w.owner_id = u.user_id AND w.type = 'wallet' LIMIT 1) w ON true) AS claimers
       FROM packets p JOIN accounts a ON a.id = p.sender_id
       WHERE p.id = @id`,
    );
    // PostgreSQL, many claims of one packet in one statement (see takeShares). \`head\` locks the
    // packet's row first and reads its counters as they are under the lock; the claimers, in order,
    // take the next slots, as many as are left; the escrow is debited once, and its ledger entries
    // carry the running balance in claim order.
    this.takeSharesStmt = db.prepare(
      `WITH input AS (
         SELECT * FROM unnest(CAST(@claim_ids AS TEXT[]), CAST(@user_ids AS TEXT[]), CAST(@device_ids AS TEXT[]), CAST(@transfer_ids AS TEXT[]), CAST(@wallet_ids AS TEXT[]))
           WITH ORDINALITY AS i(claim_id, user_id, device_id, transfer_id, wallet_id, ord)
       ), head AS (
         SELECT id, claimed_count AS start, LEAST(CAST(@k AS INTEGER), count - claimed_count) AS taken FROM packets
         WHERE id = @packet_id AND status = 'active' AND claimed_count < count AND expires_at > @now
         FOR UPDATE
       ), packet AS (
         UPDATE packets p SET
           claimed_amount = p.claimed_amount + (SELECT COALESCE(SUM(s.amount), 0) FROM packet_shares s WHERE s.packet_id = p.id AND s.slot >= head.start AND s.slot < head.start + head.taken),
           claimed_count = p.claimed_count + head.taken,
           version = p.version + head.taken
         FROM head WHERE p.id = head.id
         RETURNING p.*, head.start
       ), share AS (
         UPDATE packet_shares s SET claim_id = i.claim_id FROM packet, input i
         WHERE s.packet_id = packet.id AND i.ord <= packet.claimed_count - packet.start AND s.slot = packet.start + i.ord - 1 AND s.claim_id IS NULL
         RETURNING s.slot, s.amount, packet.escrow_account_id, i.*
       ), claim AS (
         INSERT INTO claims (id, packet_id, user_id, slot, amount, device_id, created_at)
         SELECT claim_id, @packet_id, user_id, slot, amount, device_id, @now FROM share
         RETURNING *
       ), transfer AS (
         INSERT INTO transfers (id, kind, reference, created_at) SELECT transfer_id, 'packet.claim', claim_id, @now FROM share
       ), wallet AS (
         UPDATE ledger_accounts a SET balance = a.balance + share.amount FROM share
         WHERE a.id = share.wallet_id RETURNING a.id, a.balance, share.amount, share.transfer_id, share.ord
       ), escrow AS (
         UPDATE ledger_accounts a SET balance = a.balance - (SELECT COALESCE(SUM(amount), 0) FROM share) FROM packet
         WHERE a.id = packet.escrow_account_id RETURNING a.id, a.balance
       ), entry AS (
         INSERT INTO ledger_entries (transfer_id, ledger_account_id, amount, balance_after, created_at)
         SELECT transfer_id, account, amount, balance, @now FROM (
           SELECT s.ord, 0 AS side, s.transfer_id, e.id AS account, -s.amount AS amount,
             e.balance + COALESCE((SELECT SUM(later.amount) FROM share later WHERE later.ord > s.ord), 0) AS balance
           FROM share s, escrow e
           UNION ALL
           SELECT ord, 1, transfer_id, id, amount, balance FROM wallet
         ) moved ORDER BY ord, side
       )
       SELECT (SELECT json_agg(claim ORDER BY claim.slot) FROM claim) AS claims, (SELECT row_to_json(packet) FROM packet) AS packet`,
    );
    // SQLite, what forClaims reads: the packet with its sender's name, then every user's earlier claim and wallet in one statement.
    this.withSenderStmt = db.prepare('SELECT p.*, a.name AS sender_name FROM packets p JOIN accounts a ON a.id = p.sender_id WHERE p.id = ?');
    this.claimersStmt = db.prepare(
      `SELECT u.value AS user_id, w.id AS wallet_id,
         c.id AS earlier_id, c.slot AS earlier_slot, c.amount AS earlier_amount, c.device_id AS earlier_device_id, c.created_at AS earlier_created_at
       FROM json_each(@users) u
       LEFT JOIN claims c ON c.packet_id = @id AND c.user_id = u.value
       LEFT JOIN ledger_accounts w ON w.owner_id = u.value AND w.type = 'wallet'`,
    );
    // SQLite, for claims taken together (see takeSharesOnSqlite): the next `taken` slots counted on
    // the packet at once, their shares marked, and the claims, transfers and escrow entries written
    // from one JSON array each.
    this.takeSlotsStmt = db.prepare(
      `UPDATE packets SET
         claimed_amount = claimed_amount + (SELECT SUM(s.amount) FROM packet_shares s WHERE s.packet_id = packets.id AND s.slot >= @start AND s.slot < @start + @taken),
         claimed_count = claimed_count + @taken,
         version = version + @taken
       WHERE id = @id AND status = 'active' AND claimed_count = @start AND @start + @taken <= count AND expires_at > @now
       RETURNING *`,
    );
    this.openSharesStmt = db.prepare('SELECT slot, amount FROM packet_shares WHERE packet_id = ? AND slot >= ? AND slot < ? AND claim_id IS NULL ORDER BY slot');
    // The slots are consecutive from @start, so each share's claim is found by position in @ids.
    this.markSharesStmt = db.prepare(
      `UPDATE packet_shares SET claim_id = @ids ->> ('$[' || CAST(slot - @start AS INTEGER) || ']')
       WHERE packet_id = @packet_id AND slot >= @start AND slot < @end`,
    );
    this.insertClaimsStmt = db.prepare(
      `INSERT INTO claims (id, packet_id, user_id, slot, amount, device_id, created_at)
       SELECT c.value ->> '$.id', @packet_id, c.value ->> '$.user_id', c.value ->> '$.slot', c.value ->> '$.amount', c.value ->> '$.device_id', @now
       FROM json_each(@claims) c ORDER BY c.key`,
    );
    this.insertTransfersStmt = db.prepare(
      `INSERT INTO transfers (id, kind, reference, created_at)
       SELECT c.value ->> '$.transfer_id', 'packet.claim', c.value ->> '$.id', @now FROM json_each(@claims) c ORDER BY c.key`,
    );
    this.creditWalletsStmt = db.prepare(
      `UPDATE ledger_accounts SET balance = balance + c.value ->> '$.amount'
       FROM json_each(@claims) c WHERE ledger_accounts.id = c.value ->> '$.wallet'
       RETURNING ledger_accounts.id, ledger_accounts.balance`,
    );
    this.debitEscrowStmt = db.prepare('UPDATE ledger_accounts SET balance = balance - @amount WHERE id = @id AND balance - @amount >= 0 RETURNING balance');
    this.insertEntriesStmt = db.prepare(
      `INSERT INTO ledger_entries (transfer_id, ledger_account_id, amount, balance_after, created_at)
       SELECT e.value ->> '$[0]', e.value ->> '$[1]', e.value ->> '$[2]', e.value ->> '$[3]', @now FROM json_each(@entries) e ORDER BY e.key`,
    );
    this.byIdStmt = db.prepare('SELECT * FROM packets WHERE id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO packets (id, sender_id, mode, algorithm, total, count, message, scene, recipient_id, status, claimed_count, claimed_amount,
         refunded_amount, version, salt, commitment, luckiest_claim_id, escrow_account_id, created_at, expires_at, finished_at, refunded_at)
       VALUES (@id, @sender_id, @mode, @algorithm, @total, @count, @message, @scene, @recipient_id, @status, @claimed_count, @claimed_amount,
         @refunded_amount, @version, @salt, @commitment, @luckiest_claim_id, @escrow_account_id, @created_at, @expires_at, @finished_at, @refunded_at)`,
    );
    this.insertShareStmt = db.prepare('INSERT INTO packet_shares (packet_id, slot, amount) VALUES (?, ?, ?)');
    this.insertSharesStmt = db.prepare(
      `INSERT INTO packet_shares (packet_id, slot, amount)
       SELECT @packet_id, slot - 1, amount FROM unnest(CAST(@amounts AS BIGINT[])) WITH ORDINALITY AS s(amount, slot)`,
    );
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

  /**
   * What a claim reads, in one statement: the packet with its sender's name, the caller's earlier
   * claim of it (if any), and the caller's wallet account (if it has one yet).
   */
  async forClaim(id: string, userId: string): Promise<ClaimContextRow | undefined> {
    const row = (await this.forClaimStmt.get({ id, user_id: userId })) as (PacketRow & { sender_name: string; wallet_id: string | null } & EarlierColumns) | undefined;
    if (!row) return undefined;
    const { wallet_id, earlier_id, earlier_slot, earlier_amount, earlier_device_id, earlier_created_at, ...packet } = row;
    return { packet, earlier: earlierClaim(id, userId, row), walletId: wallet_id };
  }

  /** forClaim for many users of one packet: on PostgreSQL in one statement, on SQLite in two. */
  async forClaims(id: string, userIds: readonly string[]): Promise<ClaimsContextRow | undefined> {
    if (this.db.dialect !== 'postgres') {
      const packet = (await this.withSenderStmt.get(id)) as ClaimsContextRow['packet'] | undefined;
      if (!packet) return undefined;
      const rows = (await this.claimersStmt.all({ id, users: JSON.stringify(userIds) })) as Array<{ user_id: string; wallet_id: string | null } & EarlierColumns>;
      return { packet, claimers: new Map(rows.map((row) => [row.user_id, { earlier: earlierClaim(id, row.user_id, row), walletId: row.wallet_id }])) };
    }
    type Claimer = { user_id: string; wallet_id: string | null; earlier: ClaimRow | null };
    const row = (await this.forClaimsStmt.get({ id, users: userIds })) as (PacketRow & { sender_name: string; claimers: Claimer[] | null }) | undefined;
    if (!row) return undefined;
    const { claimers, ...packet } = row;
    return { packet, claimers: new Map((claimers ?? []).map((claimer) => [claimer.user_id, { earlier: claimer.earlier, walletId: claimer.wallet_id }])) };
  }

  /**
   * takeShare for many claimers of one packet (on PostgreSQL in one statement; on SQLite see
   * takeSharesOnSqlite). The claimers take the
   * next slots in their order, as many as the packet has left (the rest get none); the packet's
   * row is locked first and updated once, the escrow debited once. Resolves to the claims made, in
   * slot order, and the packet after them, or null when the packet has no share left or closed.
   */
  async takeShares(input: SharesInput): Promise<{ claims: ClaimRow[]; packet: PacketRow & { start: number } } | null> {
    if (this.db.dialect !== 'postgres') return this.takeSharesOnSqlite(input);
    const { claimers } = input;
    const row = (await this.takeSharesStmt.get({
      packet_id: input.packet_id,
      now: input.now,
      k: claimers.length,
      claim_ids: claimers.map((c) => c.claim_id),
      user_ids: claimers.map((c) => c.user_id),
      device_ids: claimers.map((c) => c.device_id),
      transfer_ids: claimers.map((c) => c.transfer_id),
      wallet_ids: claimers.map((c) => c.wallet_account_id),
    })) as { claims: ClaimRow[] | null; packet: (PacketRow & { start: number }) | null } | undefined;
    if (!row?.packet) return null;
    const claims = row.claims ?? [];
    // Never: the packet's counters and its shares disagree. Failing rolls the count back.
    if (claims.length !== row.packet.claimed_count - row.packet.start) throw new Error(`packet ${input.packet_id}: shares from ${row.packet.start} are missing or taken`);
    return { claims, packet: row.packet };
  }

  async byId(id: string): Promise<PacketRow | undefined> {
    return (await this.byIdStmt.get(id)) as PacketRow | undefined;
  }

  /**
   * Inserts a packet and its shares, in slot order (callers run it inside `ctx.db.tx`). On
   * PostgreSQL the shares are one statement (10,000 of them would otherwise be 10,000 round trips);
   * on SQLite a prepared statement per share costs microseconds.
   */
  async insert(row: PacketRow, shares: number[]): Promise<void> {
    await this.insertStmt.run(row);
    if (this.db.dialect === 'postgres') {
      await this.insertSharesStmt.run({ packet_id: row.id, amounts: shares });
      return;
    }
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
   * PostgreSQL: the whole claim in one statement — the next share counted on the packet (status,
   * window and count checked under the packet's row lock), marked as taken, the claim row, and the
   * share's amount moved from the packet's escrow into the claimer's wallet (transfer, both
   * balances, both entries) — or nothing, resolving to null, when the packet has no share left or
   * closed. The packet's row lock is the first lock the statement takes and is held to the commit,
   * so shares go out in slot order, as on SQLite, and no claimer ever holds a share while waiting
   * for the packet (which is why no SKIP LOCKED is needed: see docs/scaling.md).
   */
  async takeShare(input: ClaimInput): Promise<{ claim: ClaimRow; packet: PacketRow } | null> {
    const row = (await this.takeShareStmt.get(input)) as { claim: ClaimRow | null; packet: PacketRow } | undefined;
    if (!row) return null;
    // Never: the packet's counters and its shares disagree. Failing rolls the count back.
    if (!row.claim) throw new Error(`packet ${input.packet_id}: share ${row.packet.claimed_count - 1} is missing or taken`);
    return { claim: row.claim, packet: row.packet };
  }

  /**
   * SQLite: what takeShares does, in a few statements for all the claimers (write transactions run
   * one at a time, so the packet read first is exactly the row the update changes): the slots
   * counted on the packet, the shares marked, the claims, the transfers, the wallet credits, one
   * escrow debit, and the ledger entries, the escrow's with its running balance in claim order.
   */
  private async takeSharesOnSqlite(input: SharesInput): Promise<{ claims: ClaimRow[]; packet: PacketRow & { start: number } } | null> {
    const { packet_id, now } = input;
    const before = await this.byId(packet_id);
    if (!before || before.status !== 'active' || before.expires_at <= now || before.claimed_count >= before.count) return null;
    const start = before.claimed_count;
    const taken = Math.min(input.claimers.length, before.count - start);
    const packet = (await this.takeSlotsStmt.get({ id: packet_id, start, taken, now })) as PacketRow | undefined;
    if (!packet) return null;
    const shares = (await this.openSharesStmt.all(packet_id, start, start + taken)) as Array<{ slot: number; amount: number }>;
    // Never: the packet's counters and its shares disagree. Failing rolls the count back.
    if (shares.length !== taken) throw new Error(`packet ${packet_id}: shares from ${start} are missing or taken`);
    const rows = shares.map((share, index) => {
      const claimer = input.claimers[index];
      return { id: claimer.claim_id, user_id: claimer.user_id, device_id: claimer.device_id, slot: share.slot, amount: share.amount, transfer_id: claimer.transfer_id, wallet: claimer.wallet_account_id };
    });
    const claims = JSON.stringify(rows);
    await this.markSharesStmt.run({ packet_id, start, end: start + taken, ids: JSON.stringify(rows.map((row) => row.id)) });
    await this.insertClaimsStmt.run({ packet_id, now, claims });
    await this.insertTransfersStmt.run({ now, claims });
    const credited = new Map(((await this.creditWalletsStmt.all({ claims })) as Array<{ id: string; balance: number }>).map((row) => [row.id, row.balance]));
    const total = rows.reduce((sum, row) => sum + row.amount, 0);
    const escrow = (await this.debitEscrowStmt.get({ id: packet.escrow_account_id, amount: total })) as { balance: number } | undefined;
    if (!escrow || credited.size !== rows.length) throw new Error(`packet ${packet_id}: the escrow or a wallet of the claims is missing`);
    const entries: Array<[string, string, number, number]> = [];
    let escrowAfter = escrow.balance + total;
    for (const row of rows) {
      escrowAfter -= row.amount;
      entries.push([row.transfer_id, packet.escrow_account_id, -row.amount, escrowAfter], [row.transfer_id, row.wallet, row.amount, credited.get(row.wallet)!]);
    }
    await this.insertEntriesStmt.run({ now, entries: JSON.stringify(entries) });
    return {
      claims: rows.map((row) => ({ id: row.id, packet_id, user_id: row.user_id, slot: row.slot, amount: row.amount, device_id: row.device_id, created_at: now })),
      packet: { ...packet, start },
    };
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
