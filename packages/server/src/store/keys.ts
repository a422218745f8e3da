import type { Database } from './sql';

/** A row of `code_keys`: one key of one token scheme. The PEM columns are set for aes-gcm-ed25519 only. */
export interface CodeKeyRow {
  scheme: string;
  kid: number;
  secret: Buffer;
  public_key: string | null;
  private_key: string | null;
  created_at: number;
}

/** SQL for the code-token keyring. Keys are only ever added; the newest kid of a scheme is the active one. */
export class KeyStore {
  private readonly allStmt;
  private readonly maxKidStmt;
  private readonly insertStmt;
  constructor(db: Database) {
    this.allStmt = db.prepare('SELECT scheme, kid, secret, public_key, private_key, created_at FROM code_keys ORDER BY scheme, kid');
    this.maxKidStmt = db.prepare('SELECT MAX(kid) AS kid FROM code_keys WHERE scheme = ?');
    this.insertStmt = db.prepare(
      'INSERT INTO code_keys (scheme, kid, secret, public_key, private_key, created_at) VALUES (@scheme, @kid, @secret, @public_key, @private_key, @created_at)',
    );
  }

  async all(): Promise<CodeKeyRow[]> {
    return (await this.allStmt.all()) as CodeKeyRow[];
  }

  /** The newest kid of `scheme`, or null when the scheme has no key yet. */
  async maxKid(scheme: string): Promise<number | null> {
    return ((await this.maxKidStmt.get(scheme)) as { kid: number | null }).kid;
  }

  async insert(row: CodeKeyRow): Promise<void> {
    await this.insertStmt.run(row);
  }
}
