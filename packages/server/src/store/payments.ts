import type { Sqlite } from './database';

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

/** A payment with its payer's display name and its position in the table, for listing. */
export interface PaymentListRow extends PaymentRow {
  seq: number;
  payer_name: string;
}

/** SQL for payments into collect codes. */
export class PaymentStore {
  private readonly insertStmt;
  private readonly byCodeStmt;
  constructor(readonly db: Sqlite) {
    this.insertStmt = db.prepare(
      `INSERT INTO payments (id, code_id, payer_id, payee_id, amount, fee, message, status, device_id, created_at)
       VALUES (@id, @code_id, @payer_id, @payee_id, @amount, @fee, @message, @status, @device_id, @created_at)`,
    );
    // rowid orders payments by insertion even when several share one millisecond.
    this.byCodeStmt = db.prepare(
      `SELECT p.rowid AS seq, p.*, a.name AS payer_name FROM payments p JOIN accounts a ON a.id = p.payer_id
       WHERE p.code_id = @codeId AND (@before IS NULL OR p.rowid < @before)
       ORDER BY p.rowid DESC LIMIT @limit`,
    );
  }

  insert(row: PaymentRow): void {
    this.insertStmt.run(row);
  }

  /** Payments into one code, newest first, before the `before` position when given. */
  byCode(codeId: string, before: number | null, limit: number): PaymentListRow[] {
    return this.byCodeStmt.all({ codeId, before, limit }) as PaymentListRow[];
  }
}
