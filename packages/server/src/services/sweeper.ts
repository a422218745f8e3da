import { systemClock, type Clock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../store/sql';
import { createContext, type ServiceContext } from './context';
import { createServices } from './index';
import { packetTopic } from './packets';

export interface SweepOptions {
  /**
   * Most packets handled in this run; the rest wait for the next one.
   * @default 1000
   */
  limit?: number;
  /** Called after each packet's transaction has committed (tests use it to stop half-way). */
  afterEach?: (packetId: string) => void;
}

export interface SweepResult {
  /** Packets moved from active to expired in this run. */
  expired: number;
  /** Packets whose remainder went back to their senders in this run. */
  refunded: number;
  /** Fen refunded in this run. */
  refundedAmount: number;
}

const DEFAULT_LIMIT = 1000;

/**
 * Refunds what is left of packets whose claim window has closed, exactly once (SPEC §3).
 *
 * Each packet is expired and refunded in its own transaction, guarded twice: the conditional
 * UPDATE to `refunded` matches only an `expired` packet with money left, and the ledger's unique
 * (kind, reference) index lets a `packet.refund` transfer for a packet exist only once. So a
 * second sweeper, another process on the same database, or a rerun after a crash finds nothing
 * left to do for a packet already handled. A finished packet has nothing left and is never
 * touched; a frozen one waits for risk review.
 */
export class RefundSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly ctx: ServiceContext) {}

  /** One pass over the packets due at the current time, oldest window first. */
  async sweep(options: SweepOptions = {}): Promise<SweepResult> {
    const result: SweepResult = { expired: 0, refunded: 0, refundedAmount: 0 };
    const due = await this.ctx.stores.packets.dueForRefund(this.ctx.clock.now(), options.limit ?? DEFAULT_LIMIT);
    for (const packetId of due) {
      const outcome = await this.refundPacket(packetId);
      if (outcome.expired) result.expired++;
      if (outcome.refundedAmount > 0) {
        result.refunded++;
        result.refundedAmount += outcome.refundedAmount;
      }
      options.afterEach?.(packetId);
      // Give waiting requests a turn between packets: a large backlog must not stall claims.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return result;
  }

  /** Expires and refunds one packet if it is due; returns what this call changed. */
  async refundPacket(packetId: string): Promise<{ expired: boolean; refundedAmount: number }> {
    const now = this.ctx.clock.now();
    return this.ctx.db.tx(async () => {
      const { packets, ledger } = this.ctx.stores;
      const expired = await packets.expire(packetId, now);
      const refunded = await packets.markRefunded(packetId, now);
      if (refunded) {
        await ledger.transfer('packet.refund', packetId, [
          { account: refunded.escrow_account_id, amount: -refunded.refunded_amount },
          { account: await ledger.account(refunded.sender_id, 'wallet'), amount: refunded.refunded_amount },
        ], now);
      }
      const owner = refunded?.sender_id ?? (await packets.byId(packetId))?.sender_id;
      if (expired && owner) await this.ctx.events.emit({ type: 'packet.expired', actorId: null, subjectId: packetId, accountIds: [owner], amount: 0, data: {}, at: now });
      if (refunded) {
        await this.ctx.events.emit({ type: 'packet.refunded', actorId: null, subjectId: packetId, accountIds: [refunded.sender_id], amount: refunded.refunded_amount, data: {}, at: now });
      }
      if (expired || refunded) this.ctx.db.onCommit(() => this.ctx.bus.notify(packetTopic(packetId)));
      return { expired, refundedAmount: refunded?.refunded_amount ?? 0 };
    });
  }

  /**
   * Sweeps every `intervalMs` on a timer that does not keep the process alive. A run still in
   * progress when the next is due is not overlapped. Errors go to `onError`; the timer keeps going.
   */
  start(intervalMs: number, onError: (error: unknown) => void = (error) => console.error('refund sweep failed', error)): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch(onError)
        .finally(() => {
          this.running = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

/**
 * A sweeper on its own database connection, for the CLI or a separate worker process. Long-polls
 * served by another process are not woken by its changes; they see them at their timeout. It is
 * built with all the services, so the audit log (and every other subscriber) records its refunds.
 */
export function createRefundSweeper(database: Database, config: Config, clock: Clock = systemClock): RefundSweeper {
  // The services module imports this one too; the cycle is fine because this runs only at call time.
  return createServices(createContext({ database, config, clock })).sweeper;
}
