import type { Database } from './sql';

export interface AccountRow {
  id: string;
  kind: 'user' | 'merchant' | 'system';
  name: string;
  tier: 'personal' | 'enterprise' | 'provider';
  role: 'user' | 'merchant' | 'support' | 'auditor' | 'admin';
  openid: string | null;
  region: string | null;
  fee_rate_bps: number | null;
  code_ttl_seconds: number | null;
  single_limit: number | null;
  daily_limit: number | null;
  created_at: number;
}

export interface SessionRow {
  token_hash: string;
  account_id: string;
  device_id: string | null;
  expires_at: number;
}

export interface AppRow {
  app_id: string;
  account_id: string;
  secret: string;
}

/** A session as requests see it: its account, when it expires and the device it was opened on. */
export interface SessionOfAccount {
  account: AccountRow;
  expiresAt: number;
  deviceId: string | null;
}

/** The session columns read beside an account's (`a.*`) by session and sessions. */
const SESSION_COLUMNS = 'a.*, s.expires_at AS session_expires_at, s.device_id AS session_device_id';
type SessionColumns = AccountRow & { session_expires_at: number; session_device_id: string | null };

function sessionOf({ session_expires_at: expiresAt, session_device_id: deviceId, ...account }: SessionColumns): SessionOfAccount {
  return { account, expiresAt: Number(expiresAt), deviceId };
}

/** An account row's insert, alone (insert) or unless its openid is taken (insertUnlessOpenidTaken). */
const INSERT_ACCOUNT = `INSERT INTO accounts (id, kind, name, tier, role, openid, region, fee_rate_bps, code_ttl_seconds, single_limit, daily_limit, created_at)
  VALUES (@id, @kind, @name, @tier, @role, @openid, @region, @fee_rate_bps, @code_ttl_seconds, @single_limit, @daily_limit, @created_at)`;

/** SQL for accounts, sessions, merchant app credentials and request nonces. */
export class AccountStore {
  private readonly byIdStmt;
  private readonly sessionStmt;
  private readonly sessionsStmt;
  constructor(private readonly db: Database) {
    this.byIdStmt = db.prepare('SELECT * FROM accounts WHERE id = ?');
    // Every session-authenticated request reads a session and its account in one statement: the
    // tokens of one turn together (sessions), or one alone inside a transaction (session).
    const joined = 'sessions s JOIN accounts a ON a.id = s.account_id';
    this.sessionStmt = db.prepare(`SELECT ${SESSION_COLUMNS} FROM ${joined} WHERE s.token_hash = ?`);
    const many = `SELECT s.token_hash AS session_token_hash, ${SESSION_COLUMNS}`;
    this.sessionsStmt =
      db.dialect === 'postgres'
        ? db.prepare(`${many} FROM ${joined} WHERE s.token_hash = ANY(CAST(@hashes AS TEXT[]))`)
        : db.prepare(`${many} FROM ${joined} WHERE s.token_hash IN (SELECT value FROM json_each(@hashes))`);
  }

  async insert(row: AccountRow): Promise<void> {
    await this.db.prepare(INSERT_ACCOUNT).run(row);
  }

  /**
   * Inserts a user account unless one with its openid exists already (committed, or being
   * inserted by a transaction that then commits: the insert waits for it). Resolves to whether
   * this row went in.
   */
  async insertUnlessOpenidTaken(row: AccountRow & { openid: string }): Promise<boolean> {
    return (await this.db.prepare(`${INSERT_ACCOUNT} ON CONFLICT (openid) DO NOTHING`).run(row)).changes === 1;
  }

  async byId(id: string): Promise<AccountRow | undefined> {
    return (await this.byIdStmt.get(id)) as AccountRow | undefined;
  }

  async byOpenid(openid: string): Promise<AccountRow | undefined> {
    return (await this.db.prepare('SELECT * FROM accounts WHERE openid = ?').get(openid)) as AccountRow | undefined;
  }

  async updateProfile(id: string, fields: { region?: string | null }): Promise<void> {
    if (fields.region !== undefined) await this.db.prepare('UPDATE accounts SET region = ? WHERE id = ?').run(fields.region, id);
  }

  async setRole(id: string, role: AccountRow['role']): Promise<void> {
    await this.db.prepare('UPDATE accounts SET role = ? WHERE id = ?').run(role, id);
  }

  async insertSession(row: SessionRow & { created_at: number }): Promise<void> {
    await this.db
      .prepare('INSERT INTO sessions (token_hash, account_id, device_id, expires_at, created_at) VALUES (@token_hash, @account_id, @device_id, @expires_at, @created_at)')
      .run(row);
  }

  /** `session` for many tokens in one read; in their order, undefined for each unknown one. */
  async sessions(tokenHashes: readonly string[]): Promise<Array<SessionOfAccount | undefined>> {
    const hashes = this.db.dialect === 'postgres' ? tokenHashes : JSON.stringify(tokenHashes);
    const rows = (await this.sessionsStmt.all({ hashes })) as Array<SessionColumns & { session_token_hash: string }>;
    const found = new Map(rows.map(({ session_token_hash: hash, ...row }) => [hash, sessionOf(row)]));
    return tokenHashes.map((hash) => found.get(hash));
  }

  /** A session with its account, or undefined for an unknown token. */
  async session(tokenHash: string): Promise<SessionOfAccount | undefined> {
    const row = (await this.sessionStmt.get(tokenHash)) as SessionColumns | undefined;
    return row && sessionOf(row);
  }

  async insertApp(row: AppRow & { created_at: number }): Promise<void> {
    await this.db.prepare('INSERT INTO apps (app_id, account_id, secret, created_at) VALUES (@app_id, @account_id, @secret, @created_at)').run(row);
  }

  async app(appId: string): Promise<AppRow | undefined> {
    return (await this.db.prepare('SELECT app_id, account_id, secret FROM apps WHERE app_id = ?').get(appId)) as AppRow | undefined;
  }

  /** Records a nonce; false when this app already used it (a replay). */
  async useNonce(appId: string, nonce: string, expiresAt: number): Promise<boolean> {
    const result = await this.db.prepare('INSERT INTO nonces (app_id, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(appId, nonce, expiresAt);
    return result.changes === 1;
  }

  async purgeNonces(before: number): Promise<number> {
    return (await this.db.prepare('DELETE FROM nonces WHERE expires_at < ?').run(before)).changes;
  }
}
