import type { Database } from './sql';

export interface BatchRow {
  id: string;
  account_id: string;
  type: 'packets' | 'collect-codes';
  status: 'running' | 'completed';
  total: number;
  succeeded: number;
  failed: number;
  created_at: number;
  completed_at: number | null;
}

export interface BatchItemRow {
  batch_id: string;
  seq: number;
  /** The item's JSON body, as validated at creation. */
  input: string;
  status: 'pending' | 'succeeded' | 'failed';
  result_id: string | null;
  error_code: string | null;
  error_message: string | null;
}

/** Batches and their items; each item's state is the record of whether it has been done. */
export class BatchStore {
  private readonly settleItemStmt;
  private readonly countStmt;

  constructor(private readonly db: Database) {
    this.settleItemStmt = db.prepare(
      "UPDATE batch_items SET status = ?, result_id = ?, error_code = ?, error_message = ? WHERE batch_id = ? AND seq = ? AND status = 'pending'",
    );
    this.countStmt = db.prepare(
      `UPDATE batches SET succeeded = succeeded + ?, failed = failed + ?,
         status = CASE WHEN succeeded + failed + 1 = total THEN 'completed' ELSE status END,
         completed_at = CASE WHEN succeeded + failed + 1 = total THEN ? ELSE completed_at END
       WHERE id = ? RETURNING *`,
    );
  }

  /** Inserts a batch and its pending items (callers run it inside `ctx.db.tx`). */
  async insert(row: BatchRow, inputs: string[]): Promise<void> {
    await this.db
      .prepare('INSERT INTO batches (id, account_id, type, status, total, succeeded, failed, created_at, completed_at) VALUES (@id, @account_id, @type, @status, @total, @succeeded, @failed, @created_at, @completed_at)')
      .run(row);
    const item = this.db.prepare("INSERT INTO batch_items (batch_id, seq, input, status) VALUES (?, ?, ?, 'pending')");
    for (const [seq, input] of inputs.entries()) await item.run(row.id, seq, input);
  }

  async byId(id: string): Promise<BatchRow | undefined> {
    return (await this.db.prepare('SELECT * FROM batches WHERE id = ?').get(id)) as BatchRow | undefined;
  }

  async running(): Promise<BatchRow[]> {
    return (await this.db.prepare("SELECT * FROM batches WHERE status = 'running' ORDER BY created_at, id").all()) as BatchRow[];
  }

  async pendingItems(batchId: string, limit: number): Promise<BatchItemRow[]> {
    return (await this.db.prepare("SELECT * FROM batch_items WHERE batch_id = ? AND status = 'pending' ORDER BY seq LIMIT ?").all(batchId, limit)) as BatchItemRow[];
  }

  async items(batchId: string, afterSeq: number, limit: number): Promise<BatchItemRow[]> {
    return (await this.db.prepare('SELECT * FROM batch_items WHERE batch_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(batchId, afterSeq, limit)) as BatchItemRow[];
  }

  /**
   * Records an item's outcome and counts it on its batch, completing the batch with its last
   * item. Only a pending item changes: returns null when another runner got there first. Two
   * writes: callers run it inside `ctx.db.tx`.
   */
  async settleItem(batchId: string, seq: number, outcome: { resultId: string } | { code: string; message: string }, now: number): Promise<BatchRow | null> {
    const ok = 'resultId' in outcome;
    const { changes } = await this.settleItemStmt.run(ok ? 'succeeded' : 'failed', ok ? outcome.resultId : null, ok ? null : outcome.code, ok ? null : outcome.message, batchId, seq);
    if (changes !== 1) return null;
    return (await this.countStmt.get(ok ? 1 : 0, ok ? 0 : 1, now, batchId)) as BatchRow;
  }
}
