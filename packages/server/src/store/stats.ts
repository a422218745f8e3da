import type { Database, Dialect } from './sql';

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

/**
 * Periods in Asia/Shanghai (UTC+8, no daylight saving) from millisecond times: `YYYY-MM-DD` or
 * `YYYY-MM-DDTHH`. The two stores have no date function in common, so each gets its own.
 */
const PERIOD: Record<Dialect, Record<StatsScope['granularity'], (column: string) => string>> = {
  sqlite: {
    day: (column) => `strftime('%Y-%m-%d', (${column} + 28800000) / 1000, 'unixepoch')`,
    hour: (column) => `strftime('%Y-%m-%dT%H', (${column} + 28800000) / 1000, 'unixepoch')`,
  },
  postgres: {
    day: (column) => `to_char(to_timestamp((${column} + 28800000) / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
    hour: (column) => `to_char(to_timestamp((${column} + 28800000) / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')`,
  },
};

/** Campaign statistics straight from packets and claims (SQL only). */
export class StatsStore {
  constructor(private readonly db: Database) {}

  private period(scope: StatsScope, column: string): string {
    return PERIOD[this.db.dialect][scope.granularity](column);
  }

  private scopeSql(scope: StatsScope): string {
    return scope.batchId === null ? '' : "AND p.id IN (SELECT result_id FROM batch_items WHERE batch_id = @batchId AND status = 'succeeded')";
  }

  async issued(scope: StatsScope): Promise<IssuedBucket[]> {
    const period = this.period(scope, 'p.created_at');
    return (await this.db
      .prepare(
        `SELECT ${period} AS period, COUNT(*) AS packets, SUM(p.count) AS shares, SUM(p.total) AS amount
         FROM packets p WHERE p.sender_id = @merchantId AND p.created_at >= @from AND p.created_at < @to ${this.scopeSql(scope)}
         GROUP BY ${period} ORDER BY period`,
      )
      .all(scope)) as IssuedBucket[];
  }

  async claimed(scope: StatsScope): Promise<ClaimedBucket[]> {
    const period = this.period(scope, 'c.created_at');
    return (await this.db
      .prepare(
        `SELECT ${period} AS period, COUNT(*) AS shares, SUM(c.amount) AS amount
         FROM claims c JOIN packets p ON p.id = c.packet_id
         WHERE p.sender_id = @merchantId AND c.created_at >= @from AND c.created_at < @to ${this.scopeSql(scope)}
         GROUP BY ${period} ORDER BY period`,
      )
      .all(scope)) as ClaimedBucket[];
  }

  async refunded(scope: StatsScope): Promise<number> {
    const row = (await this.db
      .prepare(`SELECT COALESCE(SUM(p.refunded_amount), 0) AS s FROM packets p WHERE p.sender_id = @merchantId AND p.created_at >= @from AND p.created_at < @to ${this.scopeSql(scope)}`)
      .get(scope)) as { s: number };
    return row.s;
  }
}
