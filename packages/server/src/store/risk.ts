import type { Sqlite } from './database';

export type RiskOutcome = 'allow' | 'review' | 'block' | 'freeze' | 'report';

export interface RiskDecisionRow {
  id: number;
  rule: string;
  outcome: RiskOutcome;
  reason: string;
  action: string;
  account_id: string | null;
  device_id: string | null;
  subject: string | null;
  amount: number | null;
  until: number | null;
  created_at: number;
}

export interface RestrictionRow {
  id: string;
  subject_kind: 'account' | 'device';
  subject: string;
  scope: 'all' | 'payment';
  rule: string;
  reason: string;
  flag_id: string | null;
  until: number;
  lifted_at: number | null;
  created_at: number;
}

export interface ReviewFlagRow {
  id: string;
  rule: string;
  account_id: string;
  reason: string;
  status: 'open' | 'cleared' | 'confirmed';
  note: string | null;
  resolved_by: string | null;
  resolved_at: number | null;
  created_at: number;
}

export interface AmlReportRow {
  id: string;
  account_id: string;
  action: string;
  reference: string;
  amount: number;
  created_at: number;
}

export interface BlacklistRow {
  id: string;
  kind: 'account' | 'device';
  value: string;
  reason: string;
  created_by: string | null;
  created_at: number;
  removed_by: string | null;
  removed_at: number | null;
}

export interface DecisionFilter {
  accountId?: string;
  rule?: string;
  outcome?: RiskOutcome;
  since?: number;
  /** Decisions with an id below this one (newest first paging). */
  beforeId?: number | null;
  limit: number;
}

/** SQL for risk decisions, restrictions, review flags, AML reports, the blacklist and device use. */
export class RiskStore {
  private readonly insertDecisionStmt;
  private readonly blacklistedStmt;
  private readonly activeRestrictionStmt;
  private readonly touchDeviceStmt;
  private readonly deviceAccountsStmt;
  constructor(private readonly db: Sqlite) {
    this.insertDecisionStmt = db.prepare(
      `INSERT INTO risk_decisions (rule, outcome, reason, action, account_id, device_id, subject, amount, until, created_at)
       VALUES (@rule, @outcome, @reason, @action, @account_id, @device_id, @subject, @amount, @until, @created_at)`,
    );
    this.blacklistedStmt = db.prepare(
      `SELECT * FROM blacklist WHERE removed_at IS NULL AND ((kind = 'account' AND value = ?) OR (kind = 'device' AND value = ?)) LIMIT 1`,
    );
    this.activeRestrictionStmt = db.prepare(
      `SELECT * FROM risk_restrictions
       WHERE lifted_at IS NULL AND until > @now AND scope IN ('all', @scope)
         AND ((subject_kind = 'account' AND subject = @account) OR (subject_kind = 'device' AND subject = @device))
       ORDER BY until DESC LIMIT 1`,
    );
    this.touchDeviceStmt = db.prepare(
      `INSERT INTO device_accounts (device_id, account_id, first_seen, last_seen) VALUES (?, ?, ?, ?)
       ON CONFLICT (device_id, account_id) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)`,
    );
    this.deviceAccountsStmt = db.prepare('SELECT account_id, last_seen FROM device_accounts WHERE device_id = ? AND last_seen >= ? ORDER BY last_seen');
  }

  insertDecision(row: Omit<RiskDecisionRow, 'id'>): number {
    return Number(this.insertDecisionStmt.run(row).lastInsertRowid);
  }

  decisions(filter: DecisionFilter): RiskDecisionRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.accountId !== undefined) (where.push('account_id = @accountId'), (params.accountId = filter.accountId));
    if (filter.rule !== undefined) (where.push('rule = @rule'), (params.rule = filter.rule));
    if (filter.outcome !== undefined) (where.push('outcome = @outcome'), (params.outcome = filter.outcome));
    if (filter.since !== undefined) (where.push('created_at >= @since'), (params.since = filter.since));
    if (filter.beforeId != null) (where.push('id < @beforeId'), (params.beforeId = filter.beforeId));
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.db.prepare(`SELECT * FROM risk_decisions ${clause} ORDER BY id DESC LIMIT @limit`).all(params) as RiskDecisionRow[];
  }

  /** The active blacklist entry naming this account or device, if any. */
  blacklisted(accountId: string, deviceId: string | null): BlacklistRow | undefined {
    return this.blacklistedStmt.get(accountId, deviceId) as BlacklistRow | undefined;
  }

  /** The restriction on this account or device that lasts longest and covers `scope`, if any. */
  activeRestriction(accountId: string, deviceId: string | null, scope: 'all' | 'payment', now: number): RestrictionRow | undefined {
    return this.activeRestrictionStmt.get({ account: accountId, device: deviceId, scope, now }) as RestrictionRow | undefined;
  }

  insertRestriction(row: RestrictionRow): void {
    this.db
      .prepare(
        `INSERT INTO risk_restrictions (id, subject_kind, subject, scope, rule, reason, flag_id, until, lifted_at, created_at)
         VALUES (@id, @subject_kind, @subject, @scope, @rule, @reason, @flag_id, @until, @lifted_at, @created_at)`,
      )
      .run(row);
  }

  liftRestrictionsOfFlag(flagId: string, now: number): number {
    return this.db.prepare('UPDATE risk_restrictions SET lifted_at = ? WHERE flag_id = ? AND lifted_at IS NULL').run(now, flagId).changes;
  }

  insertFlag(row: ReviewFlagRow): void {
    this.db
      .prepare(
        `INSERT INTO review_flags (id, rule, account_id, reason, status, note, resolved_by, resolved_at, created_at)
         VALUES (@id, @rule, @account_id, @reason, @status, @note, @resolved_by, @resolved_at, @created_at)`,
      )
      .run(row);
  }

  flag(id: string): ReviewFlagRow | undefined {
    return this.db.prepare('SELECT * FROM review_flags WHERE id = ?').get(id) as ReviewFlagRow | undefined;
  }

  flags(status: ReviewFlagRow['status'] | undefined, before: number | null, limit: number): Array<ReviewFlagRow & { position: number }> {
    return this.db
      .prepare(
        `SELECT *, rowid AS position FROM review_flags WHERE (@status IS NULL OR status = @status) AND (@before IS NULL OR rowid < @before)
         ORDER BY rowid DESC LIMIT @limit`,
      )
      .all({ status: status ?? null, before, limit }) as Array<ReviewFlagRow & { position: number }>;
  }

  resolveFlag(id: string, status: 'cleared' | 'confirmed', note: string | null, by: string, now: number): boolean {
    return (
      this.db
        .prepare("UPDATE review_flags SET status = ?, note = ?, resolved_by = ?, resolved_at = ? WHERE id = ? AND status = 'open'")
        .run(status, note, by, now, id).changes === 1
    );
  }

  insertAmlReport(row: AmlReportRow): void {
    this.db.prepare('INSERT INTO aml_reports (id, account_id, action, reference, amount, created_at) VALUES (@id, @account_id, @action, @reference, @amount, @created_at)').run(row);
  }

  amlReports(since: number | null, before: number | null, limit: number): Array<AmlReportRow & { position: number }> {
    return this.db
      .prepare(
        `SELECT *, rowid AS position FROM aml_reports WHERE (@since IS NULL OR created_at >= @since) AND (@before IS NULL OR rowid < @before)
         ORDER BY rowid DESC LIMIT @limit`,
      )
      .all({ since, before, limit }) as Array<AmlReportRow & { position: number }>;
  }

  insertBlacklist(row: BlacklistRow): void {
    this.db
      .prepare(
        `INSERT INTO blacklist (id, kind, value, reason, created_by, created_at, removed_by, removed_at)
         VALUES (@id, @kind, @value, @reason, @created_by, @created_at, @removed_by, @removed_at)`,
      )
      .run(row);
  }

  activeBlacklistEntry(kind: BlacklistRow['kind'], value: string): BlacklistRow | undefined {
    return this.db.prepare('SELECT * FROM blacklist WHERE kind = ? AND value = ? AND removed_at IS NULL').get(kind, value) as BlacklistRow | undefined;
  }

  blacklistEntry(id: string): BlacklistRow | undefined {
    return this.db.prepare('SELECT * FROM blacklist WHERE id = ?').get(id) as BlacklistRow | undefined;
  }

  blacklist(limit: number, before: number | null): Array<BlacklistRow & { position: number }> {
    return this.db
      .prepare('SELECT *, rowid AS position FROM blacklist WHERE removed_at IS NULL AND (@before IS NULL OR rowid < @before) ORDER BY rowid DESC LIMIT @limit')
      .all({ before, limit }) as Array<BlacklistRow & { position: number }>;
  }

  removeBlacklist(id: string, by: string, now: number): boolean {
    return this.db.prepare('UPDATE blacklist SET removed_by = ?, removed_at = ? WHERE id = ? AND removed_at IS NULL').run(by, now, id).changes === 1;
  }

  /** Notes that `accountId` used `deviceId` at `at`. */
  touchDevice(deviceId: string, accountId: string, at: number): void {
    this.touchDeviceStmt.run(deviceId, accountId, at, at);
  }

  /** Accounts seen on a device since `since`, least recently seen first. */
  deviceAccounts(deviceId: string, since: number): Array<{ account_id: string; last_seen: number }> {
    return this.deviceAccountsStmt.all(deviceId, since) as Array<{ account_id: string; last_seen: number }>;
  }

  /** Distinct payers who paid `codeId` from `deviceId` since `since`. */
  payersOnDevice(deviceId: string, codeId: string, since: number): string[] {
    return (
      this.db.prepare('SELECT DISTINCT payer_id FROM payments WHERE device_id = ? AND code_id = ? AND created_at >= ?').all(deviceId, codeId, since) as Array<{ payer_id: string }>
    ).map((row) => row.payer_id);
  }

  /** Payments by `payerId` below `below` fen since `since`. */
  smallPaymentsSince(payerId: string, below: number, since: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM payments WHERE payer_id = ? AND created_at >= ? AND amount < ?').get(payerId, since, below) as { n: number }).n;
  }
}
