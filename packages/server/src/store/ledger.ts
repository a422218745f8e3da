import { AppError } from '../errors';
import { newId } from '../ids';
import type { Database } from './sql';

/**
 * Ledger account types. `wallet`: a user's or merchant's spendable balance. `pending`: a merchant's
 * receipts awaiting settlement. `escrow`: the unclaimed money of one packet (owner = packet id).
 * `sandbox`: the development payment rail, the outside world's side of top-ups (may go negative).
 * `fees`: the platform's fee income.
 */
export type LedgerAccountType = 'wallet' | 'pending' | 'escrow' | 'sandbox' | 'fees';

export interface TransferLeg {
  account: string;
  amount: number;
}

export interface LedgerEntryRow {
  id: number;
  transfer_id: string;
  kind: string;
  reference: string | null;
  amount: number;
  balance_after: number;
  created_at: number;
}

/** Double-entry bookkeeping: every transfer's legs sum to zero, so all balances sum to zero. */
export class LedgerStore {
  private readonly findStmt;
  private readonly applyStmt;
  private readonly entryStmt;
  private readonly transferStmt;
  private readonly createStmt;
  constructor(private readonly db: Database) {
    this.createStmt = db.prepare('INSERT INTO ledger_accounts (id, owner_id, type, may_go_negative) VALUES (?, ?, ?, ?) ON CONFLICT (owner_id, type) DO NOTHING');
    this.findStmt = db.prepare('SELECT id FROM ledger_accounts WHERE owner_id = ? AND type = ?');
    this.applyStmt = db.prepare(
      'UPDATE ledger_accounts SET balance = balance + @amount WHERE id = @id AND (may_go_negative = 1 OR balance + @amount >= 0) RETURNING balance',
    );
    this.entryStmt = db.prepare(
      'INSERT INTO ledger_entries (transfer_id, ledger_account_id, amount, balance_after, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.transferStmt = db.prepare('INSERT INTO transfers (id, kind, reference, created_at) VALUES (?, ?, ?, ?)');
  }

  /**
   * The id of `owner`'s ledger account of `type`, created on first use. A concurrent creation (a
   * PostgreSQL writer in another transaction) wins the conflict, and its account is the one used.
   */
  async account(ownerId: string, type: LedgerAccountType): Promise<string> {
    const found = (await this.findStmt.get(ownerId, type)) as { id: string } | undefined;
    if (found) return found.id;
    const id = newId('la');
    if ((await this.createStmt.run(id, ownerId, type, type === 'sandbox' ? 1 : 0)).changes === 1) return id;
    return ((await this.findStmt.get(ownerId, type)) as { id: string }).id;
  }

  /**
   * The wallet accounts of many users, made for those who have none yet, by owner id: on
   * PostgreSQL in one statement, on SQLite one user at a time. (An owner whose wallet another transaction is making at the same
   * moment is looked up one by one.) Existing wallets are looked up by the (owner, type) index one
   * owner at a time (LATERAL), whatever the table's statistics say.
   */
  async wallets(ownerIds: readonly string[]): Promise<Map<string, string>> {
    if (this.db.dialect !== 'postgres') {
      const wallets = new Map<string, string>();
      for (const owner of ownerIds) wallets.set(owner, await this.account(owner, 'wallet'));
      return wallets;
    }
    const rows = (await this.db
      .prepare(
        `WITH wanted AS (SELECT * FROM unnest(CAST(@ids AS TEXT[]), CAST(@owners AS TEXT[])) AS w(id, owner_id)),
         made AS (
           INSERT INTO ledger_accounts (id, owner_id, type, may_go_negative) SELECT id, owner_id, 'wallet', 0 FROM wanted
           ON CONFLICT (owner_id, type) DO NOTHING RETURNING id, owner_id
         )
         SELECT owner_id, id FROM made
         UNION ALL
         SELECT wanted.owner_id, a.id FROM wanted
         JOIN LATERAL (SELECT id FROM ledger_accounts a WHERE a.owner_id = wanted.owner_id AND a.type = 'wallet' LIMIT 1) a ON true`,
      )
      .all({ ids: ownerIds.map(() => newId('la')), owners: ownerIds })) as Array<{ owner_id: string; id: string }>;
    const wallets = new Map(rows.map((row) => [row.owner_id, row.id]));
    for (const owner of ownerIds) if (!wallets.has(owner)) wallets.set(owner, await this.account(owner, 'wallet'));
    return wallets;
  }

  async balance(ledgerAccountId: string): Promise<number> {
    return ((await this.db.prepare('SELECT balance FROM ledger_accounts WHERE id = ?').get(ledgerAccountId)) as { balance: number } | undefined)?.balance ?? 0;
  }

  async balanceOf(ownerId: string, type: LedgerAccountType): Promise<number> {
    return ((await this.db.prepare('SELECT balance FROM ledger_accounts WHERE owner_id = ? AND type = ?').get(ownerId, type)) as { balance: number } | undefined)?.balance ?? 0;
  }

  /**
   * Moves money between ledger accounts in the current transaction (callers run it inside
   * `ctx.db.tx`). Legs must sum to zero. A leg that would take a non-negative account below zero
   * throws INSUFFICIENT_FUNDS (the enclosing transaction rolls back). A `reference` makes the
   * transfer happen at most once per kind.
   */
  async transfer(kind: string, reference: string | null, legs: TransferLeg[], now: number): Promise<string> {
    if (legs.reduce((sum, leg) => sum + leg.amount, 0) !== 0) throw new Error(`unbalanced transfer ${kind}`);
    const id = newId('tr');
    await this.transferStmt.run(id, kind, reference, now);
    for (const leg of legs) {
      if (!Number.isSafeInteger(leg.amount)) throw new Error(`non-integer amount in transfer ${kind}`);
      if (leg.amount === 0) continue;
      const applied = (await this.applyStmt.get({ id: leg.account, amount: leg.amount })) as { balance: number } | undefined;
      if (!applied) throw new AppError('INSUFFICIENT_FUNDS');
      await this.entryStmt.run(id, leg.account, leg.amount, applied.balance, now);
    }
    return id;
  }

  /**
   * Entries of one ledger account, newest first, paged by entry id. Entry ids are assigned in
   * insertion order (SQLite's INTEGER PRIMARY KEY, an identity column on PostgreSQL), and the
   * balance update before each entry serializes the writers of one account.
   */
  async entries(ledgerAccountId: string, beforeId: number | null, limit: number): Promise<LedgerEntryRow[]> {
    return (await this.db
      .prepare(
        `SELECT e.id, e.transfer_id, t.kind, t.reference, e.amount, e.balance_after, e.created_at
         FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id
         WHERE e.ledger_account_id = ? AND (CAST(? AS BIGINT) IS NULL OR e.id < ?)
         ORDER BY e.id DESC LIMIT ?`,
      )
      .all(ledgerAccountId, beforeId, beforeId, limit)) as LedgerEntryRow[];
  }
}

/** Outgoing totals per account and business day, for the daily limit. */
export class UsageStore {
  constructor(private readonly db: Database) {}

  async used(accountId: string, day: string): Promise<number> {
    return ((await this.db.prepare('SELECT amount FROM daily_usage WHERE account_id = ? AND day = ?').get(accountId, day)) as { amount: number } | undefined)?.amount ?? 0;
  }

  /**
   * Adds `amount` to the day's usage unless that would pass `limit`; false when it would. Reads
   * then writes: callers run it inside `ctx.db.tx`.
   */
  async add(accountId: string, day: string, amount: number, limit: number): Promise<boolean> {
    if ((await this.used(accountId, day)) + amount > limit) return false;
    await this.db
      .prepare(
        'INSERT INTO daily_usage (account_id, day, amount) VALUES (?, ?, ?) ON CONFLICT (account_id, day) DO UPDATE SET amount = daily_usage.amount + excluded.amount',
      )
      .run(accountId, day, amount);
    return true;
  }
}
