import type { Database } from './sql';

/** A row of `payments` (see migrations.ts). */
export interface PaymentRow {
  id: string;
  code_id: string;
  payer_id: string;
  payee_id: string;
  amount: number;
  fee: number;
  message: string;
  status: 'completed' | 'pending_settlement';
  device_id: string | null;
  created_at: number;
}

/** A payment with its payer's display name and its listing position (its id), for listing. */
export interface PaymentListRow extends PaymentRow {
  seq: string;
  payer_name: string;
}

/** SQL for payments into collect codes. */
export class PaymentStore {
  private readonly insertStmt;
  private readonly byCodeStmt;
  constructor(readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO payments (id, code_id, payer_id, payee_id, amount, fee, message, status, device_id, created_at)
       VALUES (@id, @code_id, @payer_id, @payee_id, @amount, @fee, @message, @status, @device_id, @created_at)`,
    );
    // Payment ids are time-ordered (see ids.ts), so the id orders payments by creation.
    this.byCodeStmt = db.prepare(
      `SELECT p.id AS seq, p.*, a.name AS payer_name FROM payments p JOIN accounts a ON a.id = p.payer_id
       WHERE p.code_id = @codeId AND (CAST(@before AS TEXT) IS NULL OR p.id < @before)
       ORDER BY p.id DESC LIMIT @limit`,
    );
  }

  async insert(row: PaymentRow): Promise<void> {
    await this.insertStmt.run(row);
  }

  /** Payments into one code, newest first, before the payment id `before` when given. */
  async byCode(codeId: string, before: string | null, limit: number): Promise<PaymentListRow[]> {
    return (await this.byCodeStmt.all({ codeId, before, limit })) as PaymentListRow[];
  }
}
