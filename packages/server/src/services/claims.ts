import type { ClaimBody, ClaimResponse } from '@hongbao/protocol';
import { fail } from '../errors';
import { newId } from '../ids';
import type { CodeService } from './codes';
import type { Actor, ServiceContext } from './context';
import { claimView, packetTopic, type PacketService } from './packets';
import type { RiskEngine } from '../risk/engine';

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
   * status, the recipient, an earlier claim by the caller, then the next slot taken by one
   * conditional UPDATE, the claim row, and the escrow-to-wallet transfer. The last share
   * finishes the packet and names its luckiest claim. This is the hot path: every statement is
   * prepared and nothing is read twice.
   */
  claim(actor: Actor, body: ClaimBody): ClaimResponse {
    if ((body.token === undefined) === (body.packetId === undefined)) {
      fail('VALIDATION_FAILED', 'Send exactly one of token (a scanned claim code) or packetId (a share card).', {
        field: body.token === undefined ? 'token' : 'packetId',
      });
    }
    const { packets, ledger } = this.ctx.stores;
    const user = actor.account;
    const now = this.ctx.clock.now();

    return this.ctx.db.txSync(() => {
      const packetId = body.token !== undefined ? this.packetOfToken(body.token, body.location) : body.packetId!;
      this.risk.screen({ action: 'claim', account: user, deviceId: body.deviceId ?? actor.deviceId, amount: null, subject: packetId });
      const packet = packets.byId(packetId);
      if (!packet) return fail('NOT_FOUND', `No packet ${packetId}.`);
      if (packet.status === 'expired' || packet.status === 'refunded' || (packet.status === 'active' && packet.expires_at <= now)) {
        fail('PACKET_EXPIRED', 'This packet’s claim window has closed; what was left goes back to the sender.');
      }
      if (packet.status === 'frozen') fail('RISK_BLOCKED', 'This packet is frozen by risk control.');
      if (packet.mode === 'exclusive' && packet.recipient_id !== user.id) fail('NOT_RECIPIENT');
      const earlier = packets.claimBy(packetId, user.id);
      if (earlier) fail('ALREADY_CLAIMED', `You already claimed ${earlier.amount} fen from this packet.`, { claim: claimView(earlier, user.name) });

      const taken = packets.takeSlot(packetId, now);
      if (!taken) return fail('PACKET_EXHAUSTED');
      // Writers run one at a time, so the row read above is exactly the row the UPDATE changed:
      // the difference in claimed_amount is the share of the slot just taken.
      const amount = taken.claimed_amount - packet.claimed_amount;
      const claim = { id: newId('cl'), packet_id: packetId, user_id: user.id, slot: taken.claimed_count - 1, amount, device_id: body.deviceId ?? actor.deviceId, created_at: now };
      packets.insertClaim(claim);
      ledger.transfer('packet.claim', claim.id, [
        { account: packet.escrow_account_id, amount: -amount },
        { account: ledger.account(user.id, 'wallet'), amount },
      ], now);
      const current = taken.claimed_count === taken.count ? (packets.finish(packetId, now) ?? taken) : taken;
      const concerned = [packet.sender_id, user.id];
      this.ctx.events.emit({ type: 'packet.claimed', actorId: user.id, subjectId: packetId, accountIds: concerned, amount, data: { claimId: claim.id, slot: claim.slot }, at: now });
      if (current.status === 'finished') {
        this.ctx.events.emit({ type: 'packet.finished', actorId: null, subjectId: packetId, accountIds: [packet.sender_id], amount: 0, data: { luckiestClaimId: current.luckiest_claim_id }, at: now });
      }
      this.ctx.db.onCommit(() => this.ctx.bus.notify(packetTopic(packetId)));
      return { claim: claimView(claim, user.name), packet: this.packets.view(current) };
    });
  }

  private packetOfToken(token: string, location: ClaimBody['location']): string {
    const code = this.codes.verifyToken(token, 'claim', location);
    if (!code.packet_id) fail('CODE_INVALID', 'This code is not a claim code.');
    return code.packet_id!;
  }
}
