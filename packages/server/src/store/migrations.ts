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
    -- No AUTOINCREMENT: entries are never deleted, so rowids only grow, and the claim path is
    -- spared a write to sqlite_sequence on every entry.
    id INTEGER PRIMARY KEY,
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
  // Merchant operations (issue 6): webhook outbox and deliveries, D+1 settlements and payment
  // refunds, batch issuance.
  `
  CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL CHECK (status IN ('enabled', 'deleted')),
    created_at INTEGER NOT NULL
  );
  CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, status);
  CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    event_id TEXT NOT NULL REFERENCES webhook_events(id),
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
    account_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivering', 'succeeded', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    retry_until INTEGER NOT NULL,
    lease_until INTEGER,
    last_status_code INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    delivered_at INTEGER,
    UNIQUE (event_id, endpoint_id)
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
  CREATE INDEX webhook_deliveries_account ON webhook_deliveries (account_id, seq);

  CREATE TABLE payment_refunds (
    payment_id TEXT PRIMARY KEY REFERENCES payments(id),
    payee_id TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    created_at INTEGER NOT NULL
  );
  CREATE TABLE settlements (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES accounts(id),
    day TEXT NOT NULL,
    payment_count INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    refunds INTEGER NOT NULL,
    fees INTEGER NOT NULL,
    net INTEGER NOT NULL,
    transfer_id TEXT,
    statement TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (net = gross - refunds - fees)
  );
  CREATE UNIQUE INDEX settlements_once ON settlements (merchant_id, day);
  CREATE INDEX payments_payee ON payments (payee_id, created_at);

  CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    type TEXT NOT NULL CHECK (type IN ('packets', 'collect-codes')),
    status TEXT NOT NULL CHECK (status IN ('running', 'completed')),
    total INTEGER NOT NULL,
    succeeded INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    CHECK (succeeded + failed <= total)
  );
  CREATE INDEX batches_status ON batches (status, created_at);
  CREATE TABLE batch_items (
    batch_id TEXT NOT NULL REFERENCES batches(id),
    seq INTEGER NOT NULL,
    input TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    result_id TEXT,
    error_code TEXT,
    error_message TEXT,
    PRIMARY KEY (batch_id, seq)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX batch_items_result ON batch_items (result_id) WHERE result_id IS NOT NULL;
  `,
  // Risk control, the audit log and the blacklist (SPEC sections 5 and 6).
  `
  CREATE TABLE risk_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('allow', 'review', 'block', 'freeze', 'report')),
    reason TEXT NOT NULL,
    action TEXT NOT NULL,
    account_id TEXT,
    device_id TEXT,
    subject TEXT,
    amount INTEGER,
    until INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX risk_decisions_account ON risk_decisions (account_id, id);
  CREATE INDEX risk_decisions_rule ON risk_decisions (rule, id);
  CREATE TABLE risk_restrictions (
    id TEXT PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('account', 'device')),
    subject TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('all', 'payment')),
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    flag_id TEXT,
    until INTEGER NOT NULL,
    lifted_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX risk_restrictions_subject ON risk_restrictions (subject_kind, subject, until);
  CREATE TABLE review_flags (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    account_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cleared', 'confirmed')),
    note TEXT,
    resolved_by TEXT,
    resolved_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX review_flags_status ON review_flags (status, created_at);
  CREATE TABLE aml_reports (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    action TEXT NOT NULL,
    reference TEXT NOT NULL,
    amount INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX aml_reports_time ON aml_reports (created_at);
  CREATE TABLE blacklist (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('account', 'device')),
    value TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    removed_by TEXT,
    removed_at INTEGER
  );
  CREATE UNIQUE INDEX blacklist_active ON blacklist (kind, value) WHERE removed_at IS NULL;
  CREATE TABLE device_accounts (
    device_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    PRIMARY KEY (device_id, account_id)
  ) WITHOUT ROWID;
  CREATE INDEX payments_device_code ON payments (device_id, code_id, created_at);

  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor_id TEXT,
    subject_id TEXT NOT NULL,
    account_ids TEXT NOT NULL,
    amount INTEGER NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX audit_log_time ON audit_log (at);
  CREATE TABLE audit_accounts (
    account_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (account_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE audit_checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    purged_before INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // 4: each share records the claim that took it, so that PostgreSQL's claim statement can pick
  // the first share nobody holds (FOR UPDATE SKIP LOCKED) through a partial index of open shares.
  `
  ALTER TABLE packet_shares ADD COLUMN claim_id TEXT;
  UPDATE packet_shares SET claim_id = (SELECT c.id FROM claims c WHERE c.packet_id = packet_shares.packet_id AND c.slot = packet_shares.slot);
  CREATE INDEX packet_shares_open ON packet_shares (packet_id, slot) WHERE claim_id IS NULL;
  `,
  // 5: audit entries waiting to be chained (PostgreSQL: appended by each transaction without
  // contention, chained in batches by whichever instance holds the chain's lock; see audit/log.ts).
  `
  CREATE TABLE audit_pending (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor_id TEXT,
    subject_id TEXT NOT NULL,
    account_ids TEXT NOT NULL,
    amount INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  `,
  // 6: the open-shares index goes: claims take the next slot under the packet's row lock (see
  // PacketStore.takeShare) and never search for an open share, and each claim updated it.
  `
  DROP INDEX IF EXISTS packet_shares_open;
  `,
];
