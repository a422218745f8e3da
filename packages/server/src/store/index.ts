import { AccountStore } from './accounts';
import type { SqliteDatabase } from './database';
import { IdempotencyStore } from './idempotency';
import { LedgerStore, UsageStore } from './ledger';
import { PacketStore } from './packets';
import { CodeStore } from './codes';
import { KeyStore } from './keys';
import { PaymentStore } from './payments';
import { BatchStore } from './batches';
import { RiskStore } from './risk';
import { SettlementStore } from './settlements';
import { StatsStore } from './stats';
import { WebhookStore } from './webhooks';

export { SqliteDatabase } from './database';

/** Every table's SQL, one class per concern, all on the same SQLite connection. */
export interface Stores {
  accounts: AccountStore;
  ledger: LedgerStore;
  usage: UsageStore;
  idempotency: IdempotencyStore;
  packets: PacketStore;
  codes: CodeStore;
  keys: KeyStore;
  payments: PaymentStore;
  webhooks: WebhookStore;
  batches: BatchStore;
  settlements: SettlementStore;
  stats: StatsStore;
  risk: RiskStore;
}

export function createStores(database: SqliteDatabase): Stores {
  const db = database.db;
  return {
    accounts: new AccountStore(db),
    ledger: new LedgerStore(db),
    usage: new UsageStore(db),
    idempotency: new IdempotencyStore(db),
    packets: new PacketStore(db),
    codes: new CodeStore(db),
    keys: new KeyStore(db),
    payments: new PaymentStore(db),
    webhooks: new WebhookStore(db),
    batches: new BatchStore(db),
    settlements: new SettlementStore(db),
    stats: new StatsStore(db),
    risk: new RiskStore(db),
  };
}
