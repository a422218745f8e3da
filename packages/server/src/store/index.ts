import { AccountStore } from './accounts';
import { IdempotencyStore } from './idempotency';
import { LedgerStore, UsageStore } from './ledger';
import { PacketStore } from './packets';
import { CodeStore } from './codes';
import { KeyStore } from './keys';
import { PaymentStore } from './payments';
import { BatchStore } from './batches';
import { RiskStore } from './risk';
import { SettlementStore } from './settlements';
import type { Database } from './sql';
import { StatsStore } from './stats';
import { WebhookStore } from './webhooks';

export { SqliteDatabase } from './database';
export type { Database } from './sql';

/** Every table's SQL, one class per concern, all on the same database (SQLite or PostgreSQL). */
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

export function createStores(database: Database): Stores {
  return {
    accounts: new AccountStore(database),
    ledger: new LedgerStore(database),
    usage: new UsageStore(database),
    idempotency: new IdempotencyStore(database),
    packets: new PacketStore(database),
    codes: new CodeStore(database),
    keys: new KeyStore(database),
    payments: new PaymentStore(database),
    webhooks: new WebhookStore(database),
    batches: new BatchStore(database),
    settlements: new SettlementStore(database),
    stats: new StatsStore(database),
    risk: new RiskStore(database),
  };
}
