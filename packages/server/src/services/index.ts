import { AuditLog } from '../audit/log';
import { RiskEngine } from '../risk/engine';
import { AdminService } from './admin';
import { AuthService } from './auth';
import { BatchRunner, BatchService } from './batches';
import { ClaimService } from './claims';
import { CodeService } from './codes';
import type { ServiceContext } from './context';
import { IdempotencyService } from './idempotency';
import { KeyService } from './keys';
import { LimitService } from './limits';
import { PacketService } from './packets';
import { PaymentService } from './payments';
import { SettlementScheduler, SettlementService } from './settlements';
import { StatsService } from './stats';
import { RefundSweeper } from './sweeper';
import { WalletService } from './wallet';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookService } from './webhooks';

export type { Actor, ServiceContext } from './context';

/** The business layer: one service per concern, wired once per app. */
export function createServices(ctx: ServiceContext) {
  // Risk and audit (issue 5). The audit log subscribes first, so it records every domain event.
  const audit = new AuditLog(ctx);
  audit.attach();
  const risk = new RiskEngine(ctx, audit);
  const limits = new LimitService(ctx);
  const keys = new KeyService(ctx);
  const codes = new CodeService(ctx, keys);
  const packets = new PacketService(ctx, limits, risk);
  // Merchant operations (issue 6). The webhook service subscribes the outbox to domain events.
  const webhooks = new WebhookService(ctx);
  const settlements = new SettlementService(ctx);
  const batches = new BatchService(ctx, packets, codes, () => batchRunner.kick());
  const batchRunner = new BatchRunner(ctx, batches);
  return {
    auth: new AuthService(ctx),
    wallet: new WalletService(ctx),
    idempotency: new IdempotencyService(ctx),
    limits,
    keys,
    codes,
    packets,
    claims: new ClaimService(ctx, codes, packets, risk),
    payments: new PaymentService(ctx, limits, codes, risk),
    audit,
    risk,
    admin: new AdminService(ctx, audit, risk),
    sweeper: new RefundSweeper(ctx),
    webhooks,
    webhookDispatcher: new WebhookDispatcher(ctx),
    settlements,
    settlementScheduler: new SettlementScheduler(ctx, settlements),
    batches,
    batchRunner,
    stats: new StatsService(ctx),
  };
}

export type Services = ReturnType<typeof createServices>;
