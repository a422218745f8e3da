import { AuthService } from './auth';
import { ClaimService } from './claims';
import { CodeService } from './codes';
import type { ServiceContext } from './context';
import { IdempotencyService } from './idempotency';
import { KeyService } from './keys';
import { LimitService } from './limits';
import { PacketService } from './packets';
import { PaymentService } from './payments';
import { RefundSweeper } from './sweeper';
import { WalletService } from './wallet';

export type { Actor, ServiceContext } from './context';

/** The business layer: one service per concern, wired once per app. */
export function createServices(ctx: ServiceContext) {
  const limits = new LimitService(ctx);
  const keys = new KeyService(ctx);
  const codes = new CodeService(ctx, keys);
  const packets = new PacketService(ctx, limits);
  return {
    auth: new AuthService(ctx),
    wallet: new WalletService(ctx),
    idempotency: new IdempotencyService(ctx),
    limits,
    keys,
    codes,
    packets,
    claims: new ClaimService(ctx, codes, packets),
    payments: new PaymentService(ctx, limits, codes),
    sweeper: new RefundSweeper(ctx),
  };
}

export type Services = ReturnType<typeof createServices>;
