/**
 * Domain events: what changed, told inside the transaction that changed it. Subscribers (the audit
 * log, the webhook outbox) write their own rows in that same transaction, so a record exists if
 * and only if the change committed. Subscribers may be async, but inside the transaction they
 * must await only database work, and must not throw for ordinary input: a throw rolls the change
 * back.
 */
export type DomainEventType =
  | 'session.created'
  | 'merchant.created'
  | 'wallet.topup'
  | 'packet.created'
  | 'packet.claimed'
  | 'packet.finished'
  | 'packet.expired'
  | 'packet.refunded'
  | 'code.created'
  | 'code.refreshed'
  | 'code.revoked'
  | 'code.frozen'
  | 'code.unfrozen'
  | 'payment.received'
  | 'payment.refunded'
  | 'settlement.completed';

export interface DomainEvent {
  type: DomainEventType;
  /** The account that caused it, or null for the system (the sweeper, the breaker). */
  actorId: string | null;
  /** The resource it is about: a packet, code, payment or account id. */
  subjectId: string;
  /** Every account it concerns (sender, claimer, payee, …), for trails and webhook routing. */
  accountIds: string[];
  /** Money moved by it, fen (0 when none). */
  amount: number;
  data: Record<string, unknown>;
  at: number;
}

export type DomainEventHandler = (event: DomainEvent) => void | Promise<void>;
/** A subscriber's way with many events of one transaction at once (see DomainEvents.emitMany). */
export type DomainEventsHandler = (events: readonly DomainEvent[]) => Promise<void>;

export class DomainEvents {
  private readonly handlers: Array<{ one: DomainEventHandler; many?: DomainEventsHandler }> = [];

  /** `many`, when given, takes the events of an emitMany together (in fewer statements); it must do what `handler` does for each. */
  subscribe(handler: DomainEventHandler, many?: DomainEventsHandler): () => void {
    const entry = { one: handler, many };
    this.handlers.push(entry);
    return () => {
      const index = this.handlers.indexOf(entry);
      if (index >= 0) this.handlers.splice(index, 1);
    };
  }

  /** Tells every subscriber in turn, in subscription order, awaiting each before the next. */
  async emit(event: DomainEvent): Promise<void> {
    // A copy: a handler may (un)subscribe while an earlier one is awaited.
    for (const handler of [...this.handlers]) await handler.one(event);
  }

  /** Tells every subscriber of several events of one transaction, in order: all of them to each subscriber in turn. */
  async emitMany(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const handler of [...this.handlers]) {
      if (handler.many) await handler.many(events);
      else for (const event of events) await handler.one(event);
    }
  }
}
