import type { Database } from './sql';

export interface WebhookEndpointRow {
  id: string;
  account_id: string;
  url: string;
  secret: string;
  /** JSON array of event types. */
  events: string;
  description: string | null;
  status: 'enabled' | 'deleted';
  created_at: number;
}

export interface WebhookEventRow {
  id: string;
  account_id: string;
  type: string;
  /** The exact JSON body every delivery of this event sends. */
  body: string;
  created_at: number;
}

export interface WebhookDeliveryRow {
  id: string;
  seq: number;
  event_id: string;
  endpoint_id: string;
  account_id: string;
  status: 'pending' | 'delivering' | 'succeeded' | 'dead';
  attempts: number;
  next_attempt_at: number;
  retry_until: number;
  lease_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** A delivery with what the log shows of its event. */
export type WebhookDeliveryView = WebhookDeliveryRow & { event_type: string };

/** A claimed delivery with everything needed to send it. */
export type DueDelivery = WebhookDeliveryRow & { url: string; secret: string; body: string };

/** The webhook outbox: endpoints, the events written for them, and one delivery per (event, endpoint). */
export class WebhookStore {
  private readonly insertEventStmt;
  private readonly insertDeliveryStmt;

  constructor(private readonly db: Database) {
    this.insertEventStmt = db.prepare('INSERT INTO webhook_events (id, account_id, type, body, created_at) VALUES (@id, @account_id, @type, @body, @created_at)');
    this.insertDeliveryStmt = db.prepare(
      `INSERT INTO webhook_deliveries (id, seq, event_id, endpoint_id, account_id, status, next_attempt_at, retry_until, created_at)
       VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM webhook_deliveries), ?, ?, ?, 'pending', ?, ?, ?)`,
    );
  }

  async insertEndpoint(row: WebhookEndpointRow): Promise<void> {
    await this.db
      .prepare('INSERT INTO webhook_endpoints (id, account_id, url, secret, events, description, status, created_at) VALUES (@id, @account_id, @url, @secret, @events, @description, @status, @created_at)')
      .run(row);
  }

  async endpoint(id: string): Promise<WebhookEndpointRow | undefined> {
    return (await this.db.prepare('SELECT * FROM webhook_endpoints WHERE id = ?').get(id)) as WebhookEndpointRow | undefined;
  }

  /** The enabled endpoints of any of `accountIds`, in one read (every domain event asks). */
  async enabledEndpoints(accountIds: readonly string[]): Promise<WebhookEndpointRow[]> {
    if (accountIds.length === 0) return [];
    const list = Array(accountIds.length).fill('?').join(', ');
    return (await this.db.prepare(`SELECT * FROM webhook_endpoints WHERE account_id IN (${list}) AND status = 'enabled' ORDER BY id`).all(...accountIds)) as WebhookEndpointRow[];
  }

  async endpoints(accountId: string): Promise<WebhookEndpointRow[]> {
    return (await this.db.prepare("SELECT * FROM webhook_endpoints WHERE account_id = ? AND status = 'enabled' ORDER BY created_at, id").all(accountId)) as WebhookEndpointRow[];
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.db.prepare("UPDATE webhook_endpoints SET status = 'deleted' WHERE id = ?").run(id);
  }

  async insertEvent(row: WebhookEventRow): Promise<void> {
    await this.insertEventStmt.run(row);
  }

  /** Queues one delivery, numbered after every other (callers run it inside `ctx.db.tx`). */
  async insertDelivery(id: string, eventId: string, endpointId: string, accountId: string, now: number, retryUntil: number): Promise<void> {
    await this.insertDeliveryStmt.run(id, eventId, endpointId, accountId, now, retryUntil, now);
  }

  /**
   * Takes up to `limit` deliveries that are due (pending and due, or delivering with an expired
   * lease: their worker died) for enabled endpoints, leasing each until `leaseUntil` and counting
   * the attempt. An UPDATE then a read per delivery: callers run it inside `ctx.db.tx`.
   */
  async claimDue(now: number, leaseUntil: number, limit: number): Promise<DueDelivery[]> {
    const claimed = (await this.db
      .prepare(
        `UPDATE webhook_deliveries SET status = 'delivering', lease_until = ?, attempts = attempts + 1
         WHERE id IN (
           SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
           WHERE e.status = 'enabled'
             AND ((d.status = 'pending' AND d.next_attempt_at <= ?) OR (d.status = 'delivering' AND d.lease_until <= ?))
           ORDER BY d.next_attempt_at, d.seq LIMIT ?)
         RETURNING id`,
      )
      .all(leaseUntil, now, now, limit)) as Array<{ id: string }>;
    const load = this.db.prepare(
      `SELECT d.*, e.url, e.secret, ev.body FROM webhook_deliveries d
       JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN webhook_events ev ON ev.id = d.event_id WHERE d.id = ?`,
    );
    const due: DueDelivery[] = [];
    for (const { id } of claimed) due.push((await load.get(id)) as DueDelivery);
    return due.sort((a, b) => a.seq - b.seq);
  }

  /** Records an attempt's outcome, only while this worker still holds the lease it took. */
  async finishAttempt(
    id: string,
    leaseUntil: number,
    outcome: { status: 'succeeded' | 'pending' | 'dead'; nextAttemptAt: number; statusCode: number | null; error: string | null; deliveredAt: number | null },
  ): Promise<boolean> {
    const { changes } = await this.db
      .prepare(
        `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, delivered_at = ?, lease_until = NULL
         WHERE id = ? AND status = 'delivering' AND lease_until = ?`,
      )
      .run(outcome.status, outcome.nextAttemptAt, outcome.statusCode, outcome.error, outcome.deliveredAt, id, leaseUntil);
    return changes === 1;
  }

  /** Queues a delivery again at once with a fresh retry window (redelivery by hand). */
  async requeue(id: string, now: number, retryUntil: number): Promise<void> {
    await this.db
      .prepare("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, retry_until = ?, lease_until = NULL WHERE id = ?")
      .run(now, retryUntil, id);
  }

  async delivery(id: string): Promise<WebhookDeliveryView | undefined> {
    return (await this.db
      .prepare('SELECT d.*, ev.type AS event_type FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id WHERE d.id = ?')
      .get(id)) as WebhookDeliveryView | undefined;
  }

  /** A merchant's deliveries, newest first, paged by `seq`. */
  async deliveries(accountId: string, filter: { endpointId?: string; status?: string }, beforeSeq: number | null, limit: number): Promise<WebhookDeliveryView[]> {
    return (await this.db
      .prepare(
        `SELECT d.*, ev.type AS event_type FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
         WHERE d.account_id = @accountId AND (CAST(@before AS BIGINT) IS NULL OR d.seq < @before)
           AND (CAST(@endpointId AS TEXT) IS NULL OR d.endpoint_id = @endpointId) AND (CAST(@status AS TEXT) IS NULL OR d.status = @status)
         ORDER BY d.seq DESC LIMIT @limit`,
      )
      .all({ accountId, before: beforeSeq, endpointId: filter.endpointId ?? null, status: filter.status ?? null, limit })) as WebhookDeliveryView[];
  }
}
