import type { LedgerEntry, Page, Wallet } from '@hongbao/protocol';
import { toIso } from '../clock';
import { fail } from '../errors';
import type { Actor, ServiceContext } from './context';

/** SYSTEM owner of platform-side ledger accounts (the sandbox rail, fees). */
export const PLATFORM = 'platform';

/** Wallet balances, the sandbox top-up rail and ledger lines. */
export class WalletService {
  constructor(private readonly ctx: ServiceContext) {}

  async wallet(accountId: string): Promise<Wallet> {
    const { ledger } = this.ctx.stores;
    return { accountId, currency: 'CNY', balance: await ledger.balanceOf(accountId, 'wallet'), pendingSettlement: await ledger.balanceOf(accountId, 'pending') };
  }

  /** Sandbox top-up: money arrives at once from the development rail. */
  async topup(actor: Actor, amount: number): Promise<Wallet> {
    if (this.ctx.config.mode !== 'development') fail('FORBIDDEN', 'The sandbox top-up exists in development mode only; fund wallets through a payment rail.');
    const now = this.ctx.clock.now();
    return this.ctx.db.tx(async () => {
      const { ledger } = this.ctx.stores;
      await ledger.transfer('topup', null, [
        { account: await ledger.account(PLATFORM, 'sandbox'), amount: -amount },
        { account: await ledger.account(actor.account.id, 'wallet'), amount },
      ], now);
      await this.ctx.events.emit({ type: 'wallet.topup', actorId: actor.account.id, subjectId: actor.account.id, accountIds: [actor.account.id], amount, data: { rail: 'sandbox' }, at: now });
      return this.wallet(actor.account.id);
    });
  }

  async entries(actor: Actor, cursor: string | undefined, limit: number): Promise<Page<LedgerEntry>> {
    const beforeId = cursor ? Number.parseInt(cursor, 10) : null;
    if (cursor !== undefined && (!Number.isSafeInteger(beforeId) || beforeId! < 0)) fail('VALIDATION_FAILED', 'cursor is not one this API returned.', { field: 'cursor' });
    const { ledger } = this.ctx.stores;
    const rows = await ledger.entries(await ledger.account(actor.account.id, 'wallet'), beforeId, limit + 1);
    const data = rows.slice(0, limit).map((row) => ({
      id: `le_${row.id}`,
      transferId: row.transfer_id,
      kind: row.kind,
      amount: row.amount,
      balanceAfter: row.balance_after,
      reference: row.reference,
      createdAt: toIso(row.created_at),
    }));
    return { data, nextCursor: rows.length > limit ? String(rows[limit - 1].id) : null };
  }
}
