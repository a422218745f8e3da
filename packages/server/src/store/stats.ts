import type { Sqlite } from './database';

export interface StatsScope {
  merchantId: string;
  batchId: string | null;
  /** [from, to) in ms. */
  from: number;
  to: number;
  granularity: 'day' | 'hour';
}

export interface IssuedBucket {
  period: string;
  packets: number;
  shares: number;
  amount: number;
}

export interface ClaimedBucket {
  period: string;
  shares: number;
  amount: number;
}

/** Periods in Asia/Shanghai (UTC+8, no daylight saving) from millisecond times. */
const PERIOD = {
  day: (column: string) => `strftime('%Y-%m-%d', (${column} + 28800000) / 1000, 'unixepoch')`,
  hour: (column: string) => `strftime('%Y-%m-%dT%H', (${column} + 28800000) / 1000, 'unixepoch')`,
};

/** Campaign statistics straight from packets and claims (SQL only). */
export class StatsStore {
  constructor(private readonly db: Sqlite) {}

  private scopeSql(scope: StatsScope): string {
    return scope.batchId === null ? '' : "AND p.id IN (SELECT result_id FROM batch_items WHERE batch_id = @batchId AND status = 'succeeded')";
  }

  issued(scope: StatsScope): IssuedBucket[] {
    return this.db
      .prepare(
        `SELECT ${PERIOD[scope.granularity]('p.created_at')} AS period, COUNT(*) AS packets, SUM(p.count) AS shares, SUM(p.total) AS amount
         FROM packets p WHERE p.sender_id = @merchantId AND p.created_at >= @from AND p.created_at < @to ${this.scopeSql(scope)}
         GROUP BY period ORDER BY period`,
      )
      .all(scope) as IssuedBucket[];
  }

  claimed(scope: StatsScope): ClaimedBucket[] {
    return this.db
      .prepare(
        `SELECT ${PERIOD[scope.granularity]('c.created_at')} AS period, COUNT(*) AS shares, SUM(c.amount) AS amount
         FROM claims c JOIN packets p ON p.id = c.packet_id
         WHERE p.sender_id = @merchantId AND c.created_at >= @from AND c.created_at < @to ${this.scopeSql(scope)}
         GROUP BY period ORDER BY period`,
      )
      .all(scope) as ClaimedBucket[];
  }

  refunded(scope: StatsScope): number {
    return (
      this.db
        .prepare(`SELECT COALESCE(SUM(p.refunded_amount), 0) AS s FROM packets p WHERE p.sender_id = @merchantId AND p.created_at >= @from AND p.created_at < @to ${this.scopeSql(scope)}`)
        .get(scope) as { s: number }
    ).s;
  }
}
