import { AppError } from '../errors';
import { newId } from '../ids';
import type { Sqlite } from './database';

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
  constructor(private readonly db: Sqlite) {
    this.createStmt = db.prepare('INSERT INTO ledger_accounts (id, owner_id, type, may_go_negative) VALUES (?, ?, ?, ?)');
    this.findStmt = db.prepare('SELECT id FROM ledger_accounts WHERE owner_id = ? AND type = ?');
    this.applyStmt = db.prepare(
      'UPDATE ledger_accounts SET balance = balance + @amount WHERE id = @id AND (may_go_negative = 1 OR balance + @amount >= 0) RETURNING balance',
    );
    this.entryStmt = db.prepare(
      'INSERT INTO ledger_entries (transfer_id, ledger_account_id, amount, balance_after, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.transferStmt = db.prepare('INSERT INTO transfers (id, kind, reference, created_at) VALUES (?, ?, ?, ?)');
  }

  /** The id of `owner`'s ledger account of `type`, created on first use. */
  account(ownerId: string, type: LedgerAccountType): string {
    const found = this.findStmt.get(ownerId, type) as { id: string } | undefined;
    if (found) return found.id;
    const id = newId('la');
    this.createStmt.run(id, ownerId, type, type === 'sandbox' ? 1 : 0);
    return id;
  }

  balance(ledgerAccountId: string): number {
    return (this.db.prepare('SELECT balance FROM ledger_accounts WHERE id = ?').get(ledgerAccountId) as { balance: number } | undefined)?.balance ?? 0;
  }

  balanceOf(ownerId: string, type: LedgerAccountType): number {
    return (this.db.prepare('SELECT balance FROM ledger_accounts WHERE owner_id = ? AND type = ?').get(ownerId, type) as { balance: number } | undefined)?.balance ?? 0;
  }

  /**
   * Moves money between ledger accounts in the current transaction. Legs must sum to zero. A leg
   * that would take a non-negative account below zero throws INSUFFICIENT_FUNDS (the enclosing
   * transaction rolls back). A `reference` makes the transfer happen at most once per kind.
   */
  transfer(kind: string, reference: string | null, legs: TransferLeg[], now: number): string {
    if (legs.reduce((sum, leg) => sum + leg.amount, 0) !== 0) throw new Error(`unbalanced transfer ${kind}`);
    const id = newId('tr');
    this.transferStmt.run(id, kind, reference, now);
    for (const leg of legs) {
      if (!Number.isSafeInteger(leg.amount)) throw new Error(`non-integer amount in transfer ${kind}`);
      if (leg.amount === 0) continue;
      const applied = this.applyStmt.get({ id: leg.account, amount: leg.amount }) as { balance: number } | undefined;
      if (!applied) throw new AppError('INSUFFICIENT_FUNDS');
      this.entryStmt.run(id, leg.account, leg.amount, applied.balance, now);
    }
    return id;
  }

  /** Entries of one ledger account, newest first, paged by entry id. */
  entries(ledgerAccountId: string, beforeId: number | null, limit: number): LedgerEntryRow[] {
    return this.db
      .prepare(
        `SELECT e.id, e.transfer_id, t.kind, t.reference, e.amount, e.balance_after, e.created_at
         FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id
         WHERE e.ledger_account_id = ? AND (? IS NULL OR e.id < ?)
         ORDER BY e.id DESC LIMIT ?`,
      )
      .all(ledgerAccountId, beforeId, beforeId, limit) as LedgerEntryRow[];
  }
}

/** Outgoing totals per account and business day, for the daily limit. */
export class UsageStore {
  constructor(private readonly db: Sqlite) {}

  used(accountId: string, day: string): number {
    return (this.db.prepare('SELECT amount FROM daily_usage WHERE account_id = ? AND day = ?').get(accountId, day) as { amount: number } | undefined)?.amount ?? 0;
  }

  /** Adds `amount` to the day's usage unless that would pass `limit`; false when it would. */
  add(accountId: string, day: string, amount: number, limit: number): boolean {
    if (this.used(accountId, day) + amount > limit) return false;
    this.db
      .prepare('INSERT INTO daily_usage (account_id, day, amount) VALUES (?, ?, ?) ON CONFLICT (account_id, day) DO UPDATE SET amount = amount + excluded.amount')
      .run(accountId, day, amount);
    return true;
  }
}
