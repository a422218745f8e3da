/**
 * The SQLite schema, as ordered migrations. Times are INTEGER milliseconds since the epoch; money
 * is INTEGER fen. Add a migration to change the schema; never edit an applied one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'merchant', 'system')),
    name TEXT NOT NULL,
    tier TEXT NOT NULL CHECK (tier IN ('personal', 'enterprise', 'provider')),
    role TEXT NOT NULL DEFAULT 'user',
    openid TEXT UNIQUE,
    region TEXT,
    fee_rate_bps INTEGER,
    code_ttl_seconds INTEGER,
    single_limit INTEGER,
    daily_limit INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    device_id TEXT,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE apps (
    app_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE nonces (
    app_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, nonce)
  ) WITHOUT ROWID;
  CREATE INDEX nonces_expiry ON nonces (expires_at);

  CREATE TABLE ledger_accounts (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    type TEXT NOT NULL,
    balance INTEGER NOT NULL DEFAULT 0,
    may_go_negative INTEGER NOT NULL DEFAULT 0,
    UNIQUE (owner_id, type),
    CHECK (may_go_negative = 1 OR balance >= 0)
  );
  CREATE TABLE transfers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    reference TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX transfers_once ON transfers (kind, reference) WHERE reference IS NOT NULL;
  CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transfer_id TEXT NOT NULL REFERENCES transfers(id),
    ledger_account_id TEXT NOT NULL REFERENCES ledger_accounts(id),
    amount INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX ledger_entries_account ON ledger_entries (ledger_account_id, id);
  CREATE TABLE daily_usage (
    account_id TEXT NOT NULL,
    day TEXT NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (account_id, day)
  ) WITHOUT ROWID;

  CREATE TABLE packets (
    id TEXT PRIMARY KEY,
    sender_id TEXT NOT NULL REFERENCES accounts(id),
    mode TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    total INTEGER NOT NULL CHECK (total > 0),
    count INTEGER NOT NULL CHECK (count > 0),
    message TEXT NOT NULL,
    scene TEXT NOT NULL,
    recipient_id TEXT,
    status TEXT NOT NULL,
    claimed_count INTEGER NOT NULL DEFAULT 0,
    claimed_amount INTEGER NOT NULL DEFAULT 0,
    refunded_amount INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    salt TEXT NOT NULL,
    commitment TEXT NOT NULL,
    luckiest_claim_id TEXT,
    escrow_account_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    finished_at INTEGER,
    refunded_at INTEGER,
    CHECK (claimed_count <= count),
    CHECK (claimed_amount + refunded_amount <= total)
  );
  CREATE INDEX packets_sweep ON packets (status, expires_at);
  CREATE INDEX packets_sender ON packets (sender_id, created_at);
  CREATE TABLE packet_shares (
    packet_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 1),
    PRIMARY KEY (packet_id, slot)
  ) WITHOUT ROWID;
  CREATE TABLE claims (
    id TEXT PRIMARY KEY,
    packet_id TEXT NOT NULL REFERENCES packets(id),
    user_id TEXT NOT NULL REFERENCES accounts(id),
    slot INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    device_id TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (packet_id, user_id),
    UNIQUE (packet_id, slot)
  );
  CREATE INDEX claims_user ON claims (user_id, created_at);

  CREATE TABLE code_keys (
    scheme TEXT NOT NULL,
    kid INTEGER NOT NULL,
    secret BLOB NOT NULL,
    public_key TEXT,
    private_key TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scheme, kid)
  );
  CREATE TABLE codes (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('claim', 'collect')),
    owner_id TEXT NOT NULL REFERENCES accounts(id),
    packet_id TEXT REFERENCES packets(id),
    status TEXT NOT NULL DEFAULT 'active',
    version INTEGER NOT NULL DEFAULT 1,
    fixed_amount INTEGER,
    scene TEXT,
    title TEXT,
    geofence TEXT,
    ttl_seconds INTEGER NOT NULL,
    scheme TEXT NOT NULL,
    same_amount_streak INTEGER NOT NULL DEFAULT 0,
    last_amount INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX codes_owner ON codes (owner_id, created_at);
  CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    code_id TEXT NOT NULL REFERENCES codes(id),
    payer_id TEXT NOT NULL REFERENCES accounts(id),
    payee_id TEXT NOT NULL REFERENCES accounts(id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    fee INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    device_id TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX payments_code ON payments (code_id, created_at);
  CREATE INDEX payments_payer ON payments (payer_id, created_at);

  CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  `,
];
