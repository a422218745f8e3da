import type { Database } from './sql';

export interface SettlementRow {
  id: string;
  merchant_id: string;
  day: string;
  payment_count: number;
  gross: number;
  refunds: number;
  fees: number;
  net: number;
  transfer_id: string | null;
  statement: string;
  created_at: number;
}

/** One payment of a merchant's business day, as its statement lists it. */
export interface StatementLineRow {
  id: string;
  payer_id: string;
  code_id: string;
  amount: number;
  fee: number;
  status: string;
  created_at: number;
  refunded: number;
}

export interface PaymentForRefundRow {
  id: string;
  payer_id: string;
  payee_id: string;
  amount: number;
  status: string;
  created_at: number;
}

/** Settlements, their statement lines and payment refunds (SQL only). */
export class SettlementStore {
  constructor(private readonly db: Database) {}

  /** Merchants (enterprise and provider) with payments received in [from, to). */
  async merchantsWithPayments(from: number, to: number): Promise<string[]> {
    const rows = (await this.db
      .prepare(
        `SELECT a.id FROM accounts a WHERE a.kind = 'merchant' AND a.tier <> 'personal'
           AND EXISTS (SELECT 1 FROM payments p WHERE p.payee_id = a.id AND p.created_at >= ? AND p.created_at < ?)
         ORDER BY a.id`,
      )
      .all(from, to)) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /** Every payment `merchantId` received in [from, to), oldest first, with the amount refunded. */
  async lines(merchantId: string, from: number, to: number): Promise<StatementLineRow[]> {
    return (await this.db
      .prepare(
        `SELECT p.id, p.payer_id, p.code_id, p.amount, p.fee, p.status, p.created_at, COALESCE(r.amount, 0) AS refunded
         FROM payments p LEFT JOIN payment_refunds r ON r.payment_id = p.id
         WHERE p.payee_id = ? AND p.created_at >= ? AND p.created_at < ? ORDER BY p.created_at, p.id`,
      )
      .all(merchantId, from, to)) as StatementLineRow[];
  }

  /** Marks the day's unrefunded payments settled. */
  async markSettled(merchantId: string, from: number, to: number): Promise<number> {
    const { changes } = await this.db
      .prepare("UPDATE payments SET status = 'completed' WHERE payee_id = ? AND created_at >= ? AND created_at < ? AND status = 'pending_settlement'")
      .run(merchantId, from, to);
    return changes;
  }

  async byMerchantDay(merchantId: string, day: string): Promise<SettlementRow | undefined> {
    return (await this.db.prepare('SELECT * FROM settlements WHERE merchant_id = ? AND day = ?').get(merchantId, day)) as SettlementRow | undefined;
  }

  async byId(id: string): Promise<SettlementRow | undefined> {
    return (await this.db.prepare('SELECT * FROM settlements WHERE id = ?').get(id)) as SettlementRow | undefined;
  }

  async byDay(day: string): Promise<SettlementRow[]> {
    return (await this.db.prepare('SELECT * FROM settlements WHERE day = ? ORDER BY merchant_id').all(day)) as SettlementRow[];
  }

  async insert(row: SettlementRow): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO settlements (id, merchant_id, day, payment_count, gross, refunds, fees, net, transfer_id, statement, created_at)
         VALUES (@id, @merchant_id, @day, @payment_count, @gross, @refunds, @fees, @net, @transfer_id, @statement, @created_at)`,
      )
      .run(row);
  }

  /** A merchant's settlements, newest day first, paged by day. */
  async list(merchantId: string, day: string | undefined, beforeDay: string | null, limit: number): Promise<SettlementRow[]> {
    return (await this.db
      .prepare(
        `SELECT * FROM settlements WHERE merchant_id = @merchantId AND (CAST(@day AS TEXT) IS NULL OR day = @day) AND (CAST(@before AS TEXT) IS NULL OR day < @before)
         ORDER BY day DESC LIMIT @limit`,
      )
      .all({ merchantId, day: day ?? null, before: beforeDay, limit })) as SettlementRow[];
  }

  async payment(id: string): Promise<PaymentForRefundRow | undefined> {
    return (await this.db.prepare('SELECT id, payer_id, payee_id, amount, status, created_at FROM payments WHERE id = ?').get(id)) as PaymentForRefundRow | undefined;
  }

  /**
   * Marks a payment refunded, only while it is still awaiting settlement; false otherwise. Two
   * writes: callers run it inside `ctx.db.tx`.
   */
  async refund(paymentId: string, payeeId: string, amount: number, now: number): Promise<boolean> {
    const changed = (await this.db.prepare("UPDATE payments SET status = 'refunded' WHERE id = ? AND status = 'pending_settlement'").run(paymentId)).changes === 1;
    if (changed) await this.db.prepare('INSERT INTO payment_refunds (payment_id, payee_id, amount, created_at) VALUES (?, ?, ?, ?)').run(paymentId, payeeId, amount, now);
    return changed;
  }

  /** Ledger legs of one transfer, by ledger account type, for reconciliation. */
  async transferLegs(transferId: string): Promise<Array<{ owner_id: string; type: string; amount: number }>> {
    return (await this.db
      .prepare('SELECT a.owner_id, a.type, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.ledger_account_id WHERE e.transfer_id = ?')
      .all(transferId)) as Array<{ owner_id: string; type: string; amount: number }>;
  }

  /** Sum of the ledger legs of `kind` transfers with these references on `owner`'s account of `type`. */
  async ledgerSum(kind: string, references: string[], ownerId: string, type: string): Promise<number> {
    if (references.length === 0) return 0;
    let sum = 0;
    const stmt = this.db.prepare(
      `SELECT COALESCE(SUM(e.amount), 0) AS s FROM transfers t JOIN ledger_entries e ON e.transfer_id = t.id
       JOIN ledger_accounts a ON a.id = e.ledger_account_id WHERE t.kind = ? AND t.reference = ? AND a.owner_id = ? AND a.type = ?`,
    );
    for (const reference of references) sum += ((await stmt.get(kind, reference, ownerId, type)) as { s: number }).s;
    return sum;
  }
}
