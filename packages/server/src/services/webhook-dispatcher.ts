import { WEBHOOK_SIGNATURE_HEADER } from '@hongbao/protocol';
import { createHmac } from 'node:crypto';
import type { DueDelivery } from '../store/webhooks';
import type { ServiceContext } from './context';

/** The bus key the outbox writer notifies after a commit that queued deliveries. */
export const WEBHOOK_TOPIC = 'webhooks:queued';

export interface DispatcherOptions {
  /** The HTTP client; tests may pass a faulty one. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Longest one attempt may take, ms. @default 10000 */
  timeoutMs?: number;
  /**
   * How long a claimed delivery stays with its worker. A worker that dies mid-delivery leaves it
   * `delivering`; once the lease runs out, any worker takes it again. @default 60000
   */
  leaseMs?: number;
  /** Most deliveries sent at once. @default 20 */
  concurrency?: number;
}

export interface DispatchResult {
  attempted: number;
  succeeded: number;
  retrying: number;
  dead: number;
}

/** First retry after 10 s, doubling each time, at most an hour apart (about 30 attempts in a day). */
export function retryDelayMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as the SDK's `webhooks.constructEvent` verifies. */
export function signatureHeader(body: string, secret: string, nowMs: number): string {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends the outbox's deliveries: at least once, signed, with exponential back-off until the
 * delivery's retry window closes, then dead-lettered. All state is in the database, so a restart
 * loses nothing; several workers (or processes) can run at once, since each delivery is leased
 * to one of them by a conditional UPDATE.
 */
export class WebhookDispatcher {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private loop: Promise<void> | null = null;
  private stopping: AbortController | null = null;

  constructor(private readonly ctx: ServiceContext, options: DispatcherOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.concurrency = options.concurrency ?? 20;
  }

  /** Sends every delivery due now (in rounds of `concurrency`) and records each outcome. */
  async runOnce(): Promise<DispatchResult> {
    const result: DispatchResult = { attempted: 0, succeeded: 0, retrying: 0, dead: 0 };
    for (;;) {
      const now = this.ctx.clock.now();
      const leaseUntil = now + this.leaseMs;
      const due = await this.ctx.db.tx(() => this.ctx.stores.webhooks.claimDue(now, leaseUntil, this.concurrency));
      if (due.length === 0) return result;
      // Send nothing before the lease, and the change the event reports, are committed. The
      // sending happens outside any transaction; each outcome is recorded in one of its own.
      await this.ctx.db.flush();
      const outcomes = await Promise.all(due.map((delivery) => this.attempt(delivery, leaseUntil)));
      for (const outcome of outcomes) {
        result.attempted++;
        result[outcome]++;
      }
      await this.ctx.db.flush();
    }
  }

  /** Runs `runOnce` whenever deliveries are queued, and at least every `intervalMs` for retries. */
  start(intervalMs: number, onError: (error: unknown) => void = (error) => console.error('webhook delivery failed', error)): void {
    if (this.loop) return;
    const stopping = (this.stopping = new AbortController());
    this.loop = (async () => {
      while (!stopping.signal.aborted) {
        try {
          await this.runOnce();
        } catch (error) {
          onError(error);
        }
        if (!stopping.signal.aborted) await this.ctx.bus.waitForChange(WEBHOOK_TOPIC, intervalMs, stopping.signal);
      }
    })();
  }

  /** Stops the loop; resolves once the round in progress has recorded its outcomes. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = null;
    this.stopping = null;
  }

  private async attempt(delivery: DueDelivery, leaseUntil: number): Promise<'succeeded' | 'retrying' | 'dead'> {
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await this.fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Hongbao-Webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: signatureHeader(delivery.body, delivery.secret, this.ctx.clock.now()),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      statusCode = response.status;
      // Read (and drop) the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (statusCode < 200 || statusCode >= 300) error = `The endpoint answered ${statusCode}.`;
    } catch (failure) {
      const cause = (failure as Error & { cause?: Error }).cause;
      error = (failure as Error).name === 'TimeoutError' ? `No answer within ${this.timeoutMs} ms.` : `${(failure as Error).message}${cause ? `: ${cause.message}` : ''}`.slice(0, 300);
    }
    const now = this.ctx.clock.now();
    if (error === null) {
      await this.finish(delivery, leaseUntil, { status: 'succeeded', nextAttemptAt: now, statusCode, error: null, deliveredAt: now });
      return 'succeeded';
    }
    const next = now + retryDelayMs(delivery.attempts);
    const dead = next > delivery.retry_until;
    await this.finish(delivery, leaseUntil, { status: dead ? 'dead' : 'pending', nextAttemptAt: dead ? now : next, statusCode, error, deliveredAt: null });
    return dead ? 'dead' : 'retrying';
  }

  private async finish(delivery: DueDelivery, leaseUntil: number, outcome: Parameters<ServiceContext['stores']['webhooks']['finishAttempt']>[2]): Promise<void> {
    await this.ctx.db.tx(() => this.ctx.stores.webhooks.finishAttempt(delivery.id, leaseUntil, outcome));
  }
}
