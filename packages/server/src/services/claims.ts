import type { ClaimBody, ClaimResponse } from '@hongbao/protocol';
import { fail } from '../errors';
import { newId } from '../ids';
import type { CodeService } from './codes';
import type { Actor, ServiceContext } from './context';
import { claimView, packetTopic, type PacketService } from './packets';
import type { RiskEngine } from '../risk/engine';
import type { ClaimRow, PacketRow } from '../store/packets';
import type { TxOptions } from '../store/sql';

/**
 * The claim's transaction options. On PostgreSQL the claim takes its locks itself (see
 * PacketStore.takeShare), so it runs READ COMMITTED: claimers of a hot packet wait their turn on
 * its row instead of failing and running again. Claims of one share card's packet form commit
 * groups (TxOptions.group): those arriving together share one transaction, so the packet's row is
 * locked, and the commit flushed, once for all of them rather than once each.
 */
export function claimTx(body: Pick<ClaimBody, 'packetId'>): TxOptions {
  return body.packetId === undefined ? { isolation: 'read committed' } : { isolation: 'read committed', group: `claim:${body.packetId}` };
}

/** A share taken for a claim, and its packet with the share counted. */
interface TakenShare {
  claim: ClaimRow;
  packet: PacketRow;
}

/**
 * Claiming a share of a packet, from a scanned claim code (`token`) or a share card (`packetId`).
 *
 * The sender may claim a share of their own random or fixed packet, as WeChat allows in group
 * chats; an exclusive packet goes only to its recipient, and the sender can never be that.
 */
export class ClaimService {
  constructor(
    readonly ctx: ServiceContext,
    readonly codes: CodeService,
    readonly packets: PacketService,
    readonly risk: RiskEngine,
  ) {}

  /**
   * One transaction, in this order: the code (when a token is sent), the packet, its window and
   * status, the recipient, an earlier claim by the caller, then the share, counted on the packet
   * (see takeShare and takeShareOnPostgres), and the audit and webhook records. The
   * last share finishes the packet and names its luckiest claim. This is the hot path: every
   * statement is prepared and nothing is read twice.
   */
  async claim(actor: Actor, body: ClaimBody): Promise<ClaimResponse> {
    if ((body.token === undefined) === (body.packetId === undefined)) {
      fail('VALIDATION_FAILED', 'Send exactly one of token (a scanned claim code) or packetId (a share card).', {
        field: body.token === undefined ? 'token' : 'packetId',
      });
    }
    const { packets, ledger } = this.ctx.stores;
    const user = actor.account;
    const now = this.ctx.clock.now();

    return this.ctx.db.tx(async () => {
      const packetId = body.token !== undefined ? await this.packetOfToken(body.token, body.location) : body.packetId!;
      await this.risk.screen({ action: 'claim', account: user, deviceId: body.deviceId ?? actor.deviceId, amount: null, subject: packetId });
      const found = await packets.forClaim(packetId, user.id);
      if (!found) return fail('NOT_FOUND', `No packet ${packetId}.`);
      const { packet, earlier } = found;
      if (packet.status === 'expired' || packet.status === 'refunded' || (packet.status === 'active' && packet.expires_at <= now)) {
        fail('PACKET_EXPIRED', 'This packet’s claim window has closed; what was left goes back to the sender.');
      }
      if (packet.status === 'frozen') fail('RISK_BLOCKED', 'This packet is frozen by risk control.');
      if (packet.mode === 'exclusive' && packet.recipient_id !== user.id) fail('NOT_RECIPIENT');
      if (earlier) fail('ALREADY_CLAIMED', `You already claimed ${earlier.amount} fen from this packet.`, { claim: claimView(earlier, user.name) });

      const deviceId = body.deviceId ?? actor.deviceId;
      const wallet = found.walletId ?? (await ledger.account(user.id, 'wallet'));
      const { claim, packet: taken } = this.ctx.db.dialect === 'postgres'
        ? await this.takeShareOnPostgres(packet, user.id, deviceId, wallet, now)
        : await this.takeShare(packet, user.id, deviceId, wallet, now);
      const concerned = [packet.sender_id, user.id];
      await this.ctx.events.emit({ type: 'packet.claimed', actorId: user.id, subjectId: packetId, accountIds: concerned, amount: claim.amount, data: { claimId: claim.id, slot: claim.slot }, at: now });
      const current = taken.claimed_count === taken.count ? ((await packets.finish(packetId, now)) ?? taken) : taken;
      if (current.status === 'finished') {
        await this.ctx.events.emit({ type: 'packet.finished', actorId: null, subjectId: packetId, accountIds: [packet.sender_id], amount: 0, data: { luckiestClaimId: current.luckiest_claim_id }, at: now });
      }
      this.ctx.db.onCommit(() => this.ctx.bus.notify(packetTopic(packetId)));
      return { claim: claimView(claim, user.name), packet: await this.packets.view(current, packet.sender_name) };
    }, claimTx(body));
  }

  /**
   * SQLite: the next slot taken by one conditional UPDATE, the claim row, and the escrow-to-wallet
   * transfer. Write transactions run one at a time, so the packet read before is exactly the row
   * the UPDATE changed: the difference in claimed_amount is the share of the slot just taken.
   */
  private async takeShare(packet: PacketRow, userId: string, deviceId: string | null, wallet: string, now: number): Promise<TakenShare> {
    const { packets, ledger } = this.ctx.stores;
    const taken = await packets.takeSlot(packet.id, now);
    if (!taken) return fail('PACKET_EXHAUSTED');
    const amount = taken.claimed_amount - packet.claimed_amount;
    const claim: ClaimRow = { id: newId('cl'), packet_id: packet.id, user_id: userId, slot: taken.claimed_count - 1, amount, device_id: deviceId, created_at: now };
    await packets.insertClaim(claim);
    await ledger.transfer('packet.claim', claim.id, [
      { account: packet.escrow_account_id, amount: -amount },
      { account: wallet, amount },
    ], now);
    return { claim, packet: taken };
  }

  /**
   * PostgreSQL: the share, its count on the packet, the claim and the money in one statement
   * (PacketStore.takeShare). The packet's row stays locked until the commit; claims of one packet
   * arriving together share that transaction and its commit (claimTx), so it is locked once for
   * all of them.
   */
  private async takeShareOnPostgres(packet: PacketRow, userId: string, deviceId: string | null, wallet: string, now: number): Promise<TakenShare> {
    const taken = await this.ctx.stores.packets.takeShare({ packet_id: packet.id, claim_id: newId('cl'), user_id: userId, device_id: deviceId, transfer_id: newId('tr'), wallet_account_id: wallet, now });
    // The packet filled or closed since it was read.
    return taken ?? fail(now >= packet.expires_at ? 'PACKET_EXPIRED' : 'PACKET_EXHAUSTED');
  }

  private async packetOfToken(token: string, location: ClaimBody['location']): Promise<string> {
    const code = await this.codes.verifyToken(token, 'claim', location);
    if (!code.packet_id) fail('CODE_INVALID', 'This code is not a claim code.');
    return code.packet_id!;
  }
}
