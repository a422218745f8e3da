import type { Sqlite } from './database';

export class PaymentStore {
  constructor(readonly db: Sqlite) {}
}
