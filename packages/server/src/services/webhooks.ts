import { WEBHOOK_EVENT_TYPES, type CreateWebhookEndpointBody, type Page, type WebhookDelivery, type WebhookDeliveriesQuery, type WebhookEndpoint, type WebhookEventType } from '@hongbao/protocol';
import { isoOrNull, toIso } from '../clock';
import { fail } from '../errors';
import { newId, newSecret } from '../ids';
import type { WebhookDeliveryView, WebhookEndpointRow } from '../store/webhooks';
import type { Actor, ServiceContext } from './context';
import type { DomainEvent } from './events';
import { numericCursor, requireTier } from './merchant-access';
import { WEBHOOK_TOPIC } from './webhook-dispatcher';

/** Deliveries are retried with back-off for this long after the event (or a redelivery), then dead-lettered. */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 3_600_000;

const WEBHOOK_TIERS = ['provider', 'enterprise'] as const;
const SPEC_TYPES: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/** The field naming the subject of each event type in the delivered `data`. */
const SUBJECT_FIELD: Record<WebhookEventType, string> = {
  'packet.created': 'packetId',
  'packet.claimed': 'packetId',
  'packet.finished': 'packetId',
  'packet.refunded': 'packetId',
  'code.frozen': 'codeId',
  'payment.received': 'paymentId',
  'settlement.completed': 'settlementId',
};

/** An event's `data`: its subject, the money it moved, and its details with times as ISO strings. */
function eventData(event: DomainEvent): Record<string, unknown> {
  const data: Record<string, unknown> = { [SUBJECT_FIELD[event.type as WebhookEventType]]: event.subjectId, amount: event.amount };
  for (const [key, value] of Object.entries(event.data)) data[key] = key.endsWith('At') && typeof value === 'number' ? toIso(value) : value;
  return data;
}

function endpointView(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    description: row.description,
    status: row.status,
    createdAt: toIso(row.created_at),
  };
}

export function deliveryView(row: WebhookDeliveryView): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type as WebhookEventType,
    endpointId: row.endpoint_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? toIso(row.next_attempt_at) : null,
    retryUntil: toIso(row.retry_until),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: toIso(row.created_at),
    deliveredAt: isoOrNull(row.delivered_at),
  };
}

/**
 * Webhooks (SPEC section 8): merchants' endpoints, the durable outbox and the delivery log.
 *
 * The outbox is fed by the domain events, inside the transaction of the change each one reports:
 * an event row and one delivery per subscribed endpoint are written there, so a webhook goes out
 * if and only if its change committed. Delivery itself is `WebhookDispatcher`'s job.
 */
export class WebhookService {
  constructor(private readonly ctx: ServiceContext) {
    ctx.events.subscribe(
      (event) => this.record(event),
      (events) => this.recordMany(events),
    );
  }

  async create(actor: Actor, body: CreateWebhookEndpointBody): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    requireTier(actor, WEBHOOK_TIERS, 'Webhooks');
    let url: URL;
    try {
      url = new URL(body.url);
    } catch {
      return fail('VALIDATION_FAILED', `url ${JSON.stringify(body.url)} is not a valid URL.`, { field: 'url' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('VALIDATION_FAILED', 'url must be http or https.', { field: 'url' });
    if (this.ctx.config.mode === 'production' && url.protocol !== 'https:') fail('VALIDATION_FAILED', 'url must be https in production mode.', { field: 'url' });
    const row: WebhookEndpointRow = {
      id: newId('we'),
      account_id: actor.account.id,
      url: url.toString(),
      secret: `whsec_${newSecret()}`,
      events: JSON.stringify(body.events ?? [...WEBHOOK_EVENT_TYPES]),
      description: body.description ?? null,
      status: 'enabled',
      created_at: this.ctx.clock.now(),
    };
    await this.ctx.db.tx(() => this.ctx.stores.webhooks.insertEndpoint(row));
    return { endpoint: endpointView(row), secret: row.secret };
  }

  async list(actor: Actor): Promise<Page<WebhookEndpoint>> {
    requireTier(actor, WEBHOOK_TIERS, 'Webhooks');
    return { data: (await this.ctx.stores.webhooks.endpoints(actor.account.id)).map(endpointView), nextCursor: null };
  }

  /** Deletes an endpoint: nothing more is sent to it, its queued deliveries included. */
  async delete(actor: Actor, id: string): Promise<WebhookEndpoint> {
    requireTier(actor, WEBHOOK_TIERS, 'Webhooks');
    return this.ctx.db.tx(async () => {
      const row = await this.ownedEndpoint(actor, id);
      await this.ctx.stores.webhooks.deleteEndpoint(id);
      return endpointView({ ...row, status: 'deleted' });
    });
  }

  async deliveries(actor: Actor, query: WebhookDeliveriesQuery): Promise<Page<WebhookDelivery>> {
    requireTier(actor, WEBHOOK_TIERS, 'Webhooks');
    const limit = query.limit ?? 20;
    const rows = await this.ctx.stores.webhooks.deliveries(actor.account.id, { endpointId: query.endpointId, status: query.status }, numericCursor(query.cursor), limit + 1);
    return { data: rows.slice(0, limit).map(deliveryView), nextCursor: rows.length > limit ? String(rows[limit - 1].seq) : null };
  }

  /**
   * Sends a delivery again, whatever its state (a dead letter, or one that succeeded but the
   * receiver lost): it is queued at once with a fresh retry window. The event keeps its id, so a
   * receiver that deduplicates by id applies it once.
   */
  async redeliver(actor: Actor, id: string): Promise<WebhookDelivery> {
    requireTier(actor, WEBHOOK_TIERS, 'Webhooks');
    return this.ctx.db.tx(async () => {
      const { webhooks } = this.ctx.stores;
      const delivery = await webhooks.delivery(id);
      if (!delivery || delivery.account_id !== actor.account.id) return fail('NOT_FOUND', `No webhook delivery ${id}.`);
      if ((await webhooks.endpoint(delivery.endpoint_id))?.status !== 'enabled') fail('VALIDATION_FAILED', `Endpoint ${delivery.endpoint_id} has been deleted; create a new one.`, { field: 'id' });
      if (delivery.status === 'delivering') return deliveryView(delivery);
      const now = this.ctx.clock.now();
      await webhooks.requeue(id, now, now + WEBHOOK_RETRY_WINDOW_MS);
      this.ctx.db.onCommit(() => this.ctx.bus.notify(WEBHOOK_TOPIC));
      return deliveryView((await webhooks.delivery(id))!);
    });
  }

  private async ownedEndpoint(actor: Actor, id: string): Promise<WebhookEndpointRow> {
    const row = await this.ctx.stores.webhooks.endpoint(id);
    if (!row || row.account_id !== actor.account.id || row.status !== 'enabled') return fail('NOT_FOUND', `No webhook endpoint ${id}.`);
    return row;
  }

  /** The outbox writer: runs inside the transaction of the change. */
  private async record(event: DomainEvent): Promise<void> {
    if (!SPEC_TYPES.has(event.type)) return;
    await this.write(event, await this.ctx.stores.webhooks.enabledEndpoints([...new Set(event.accountIds)]));
  }

  /** The outbox writer for several events of one transaction: the endpoints of all of them in one read. */
  private async recordMany(events: readonly DomainEvent[]): Promise<void> {
    const spec = events.filter((event) => SPEC_TYPES.has(event.type));
    if (spec.length === 0) return;
    const enabled = await this.ctx.stores.webhooks.enabledEndpoints([...new Set(spec.flatMap((event) => event.accountIds))]);
    if (enabled.length === 0) return;
    for (const event of spec) await this.write(event, enabled.filter((endpoint) => event.accountIds.includes(endpoint.account_id)));
  }

  /** An event row and its deliveries for each merchant concerned with one of `endpoints` subscribed to the event's type. */
  private async write(event: DomainEvent, endpoints: readonly WebhookEndpointRow[]): Promise<void> {
    const { webhooks } = this.ctx.stores;
    const subscribed = endpoints.filter((endpoint) => (JSON.parse(endpoint.events) as string[]).includes(event.type));
    if (subscribed.length === 0) return;
    for (const accountId of new Set(event.accountIds)) {
      const own = subscribed.filter((endpoint) => endpoint.account_id === accountId);
      if (own.length === 0) continue;
      // One event per merchant concerned: its id is what receivers deduplicate on.
      const id = newId('evt');
      const body = JSON.stringify({ id, type: event.type, createdAt: toIso(event.at), data: eventData(event) });
      await webhooks.insertEvent({ id, account_id: accountId, type: event.type, body, created_at: event.at });
      for (const endpoint of own) await webhooks.insertDelivery(newId('whd'), id, endpoint.id, accountId, event.at, event.at + WEBHOOK_RETRY_WINDOW_MS);
      this.ctx.db.onCommit(() => this.ctx.bus.notify(WEBHOOK_TOPIC));
    }
  }
}
