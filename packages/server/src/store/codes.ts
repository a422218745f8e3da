import type { Database } from './sql';

/** A row of `codes` (see migrations.ts). `geofence` is JSON `{lat, lng, radiusMeters}` or null. */
export interface CodeRow {
  id: string;
  kind: 'claim' | 'collect';
  owner_id: string;
  packet_id: string | null;
  status: 'active' | 'revoked' | 'frozen';
  version: number;
  fixed_amount: number | null;
  scene: string | null;
  title: string | null;
  geofence: string | null;
  ttl_seconds: number;
  scheme: string;
  same_amount_streak: number;
  last_amount: number | null;
  created_at: number;
}

/** SQL for dynamic codes. Every state change bumps `version`, which long-polls watch. */
export class CodeStore {
  private readonly byIdStmt;
  private readonly insertStmt;
  private readonly bumpStmt;
  private readonly setStatusStmt;
  private readonly recordPaymentStmt;
  constructor(readonly db: Database) {
    this.byIdStmt = db.prepare('SELECT * FROM codes WHERE id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO codes (id, kind, owner_id, packet_id, status, version, fixed_amount, scene, title, geofence, ttl_seconds, scheme, same_amount_streak, last_amount, created_at)
       VALUES (@id, @kind, @owner_id, @packet_id, @status, @version, @fixed_amount, @scene, @title, @geofence, @ttl_seconds, @scheme, @same_amount_streak, @last_amount, @created_at)`,
    );
    this.bumpStmt = db.prepare('UPDATE codes SET version = version + 1 WHERE id = ? RETURNING *');
    this.setStatusStmt = db.prepare(
      `UPDATE codes SET status = @status, version = version + 1,
         same_amount_streak = CASE WHEN @resetStreak = 1 THEN 0 ELSE same_amount_streak END,
         last_amount = CASE WHEN @resetStreak = 1 THEN NULL ELSE last_amount END
       WHERE id = @id RETURNING *`,
    );
    this.recordPaymentStmt = db.prepare(
      'UPDATE codes SET same_amount_streak = @streak, last_amount = @amount, status = @status, version = version + 1 WHERE id = @id RETURNING *',
    );
  }

  async byId(id: string): Promise<CodeRow | undefined> {
    return (await this.byIdStmt.get(id)) as CodeRow | undefined;
  }

  async insert(row: CodeRow): Promise<void> {
    await this.insertStmt.run(row);
  }

  /** Bumps the version alone (a refresh); returns the updated row. */
  async bumpVersion(id: string): Promise<CodeRow> {
    return (await this.bumpStmt.get(id)) as CodeRow;
  }

  /** Sets the status and bumps the version; `resetStreak` also clears the same-amount streak. */
  async setStatus(id: string, status: CodeRow['status'], resetStreak = false): Promise<CodeRow> {
    return (await this.setStatusStmt.get({ id, status, resetStreak: resetStreak ? 1 : 0 })) as CodeRow;
  }

  /** Stores the streak after a payment (and the status it leads to) and bumps the version. */
  async recordPayment(id: string, amount: number, streak: number, status: CodeRow['status']): Promise<CodeRow> {
    return (await this.recordPaymentStmt.get({ id, amount, streak, status })) as CodeRow;
  }
}
