import type { ClaimBody, ClaimResponse } from '@hongbao/protocol';
import { AppError, fail } from '../errors';
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

/** Share-card claims of one packet taken together at most (see ClaimService.claim). */
const BATCH_MAX = 128;

/** A share-card claim waiting for its packet's next batch. */
interface PendingClaim {
  actor: Actor;
  body: ClaimBody;
  resolve: (response: ClaimResponse) => void;
  reject: (error: unknown) => void;
}

/** What became of one claim of a batch. */
type Outcome = { response: ClaimResponse } | { error: unknown };

/** A batch's outcomes, PACKET_EXHAUSTED for each claim that got no share (errors are made only where needed: each captures a stack). */
const settled = (outcomes: ReadonlyArray<Outcome | undefined>): Outcome[] => outcomes.map((outcome) => outcome ?? { error: new AppError('PACKET_EXHAUSTED') });

/**
 * Why `user` may not claim from `packet` now (given its earlier claim of it), or null when it may.
 * The sender may claim a share of their own random or fixed packet, as WeChat allows in group
 * chats; an exclusive packet goes only to its recipient, and the sender can never be that.
 */
function claimRefusal(packet: PacketRow, user: { id: string; name: string }, earlier: ClaimRow | null, now: number): AppError | null {
  if (packet.status === 'expired' || packet.status === 'refunded' || (packet.status === 'active' && packet.expires_at <= now)) {
    return new AppError('PACKET_EXPIRED', 'This packet’s claim window has closed; what was left goes back to the sender.');
  }
  if (packet.status === 'frozen') return new AppError('RISK_BLOCKED', 'This packet is frozen by risk control.');
  if (packet.mode === 'exclusive' && packet.recipient_id !== user.id) return new AppError('NOT_RECIPIENT');
  if (earlier) return new AppError('ALREADY_CLAIMED', `You already claimed ${earlier.amount} fen from this packet.`, { claim: claimView(earlier, user.name) });
  return null;
}

/** A share taken for a claim, and its packet with the share counted. */
interface TakenShare {
  claim: ClaimRow;
  packet: PacketRow;
}

/** Claiming a share of a packet, from a scanned claim code (`token`) or a share card (`packetId`). */
export class ClaimService {
  /** The share-card claims of each packet waiting for the next batch (see claim). */
  private readonly lanes = new Map<string, PendingClaim[]>();
  /** Batches run, the claims in them, and the batches that failed as a whole and ran claim by claim instead. */
  readonly stats = { batches: 0, batched: 0, fallbacks: 0 };
  /** Told of each batch that failed as a whole (its claims then run one by one): the server logs it. */
  onBatchFailure: (error: unknown, claims: number) => void = () => undefined;

  constructor(
    readonly ctx: ServiceContext,
    readonly codes: CodeService,
    readonly packets: PacketService,
    readonly risk: RiskEngine,
  ) {}

  /**
   * Claims a share. Share-card claims of one packet that arrive while its previous batch runs are
   * taken together, as one batch in one transaction (see claimTogether), unless the caller is
   * already inside a transaction (an Idempotency-Key's). A claim alone and a token's claim run on
   * their own (claimOne).
   */
  claim(actor: Actor, body: ClaimBody): Promise<ClaimResponse> {
    if ((body.token === undefined) === (body.packetId === undefined)) {
      return Promise.reject(
        new AppError('VALIDATION_FAILED', 'Send exactly one of token (a scanned claim code) or packetId (a share card).', {
          field: body.token === undefined ? 'token' : 'packetId',
        }),
      );
    }
    if (body.packetId !== undefined && !this.ctx.db.inTransaction) return this.enqueue(actor, body.packetId, body);
    return this.claimOne(actor, body);
  }

  /**
   * One claim in one transaction, in this order: the code (when a token is sent), the packet, its
   * window and status, the recipient, an earlier claim by the caller, then the share, counted on
   * the packet (see takeShare and takeShareOnPostgres), and the audit and webhook records. The
   * last share finishes the packet and names its luckiest claim. This is the hot path: every
   * statement is prepared and nothing is read twice.
   */
  private claimOne(actor: Actor, body: ClaimBody): Promise<ClaimResponse> {
    const { packets, ledger } = this.ctx.stores;
    const user = actor.account;
    const now = this.ctx.clock.now();

    return this.ctx.db.tx(async () => {
      const packetId = body.token !== undefined ? await this.packetOfToken(body.token, body.location) : body.packetId!;
      await this.risk.screen({ action: 'claim', account: user, deviceId: body.deviceId ?? actor.deviceId, amount: null, subject: packetId });
      const found = await packets.forClaim(packetId, user.id);
      if (!found) return fail('NOT_FOUND', `No packet ${packetId}.`);
      const { packet, earlier } = found;
      const refusal = claimRefusal(packet, user, earlier, now);
      if (refusal) throw refusal;

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

  /** Queues a share-card claim for its packet's next batch; the first of a lane starts it. */
  private enqueue(actor: Actor, packetId: string, body: ClaimBody): Promise<ClaimResponse> {
    return new Promise((resolve, reject) => {
      let lane = this.lanes.get(packetId);
      if (!lane) {
        lane = [];
        this.lanes.set(packetId, lane);
        void this.drain(packetId, lane);
      }
      lane.push({ actor, body, resolve, reject });
    });
  }

  /**
   * Runs a packet's batches one after another until no claim is waiting. The first batch takes the
   * claims that arrived in the same turn of the event loop; each later one, those that arrived
   * while the one before ran.
   */
  private async drain(packetId: string, lane: PendingClaim[]): Promise<void> {
    try {
      await new Promise((resolve) => setImmediate(resolve));
      while (lane.length > 0) await this.runBatch(lane.splice(0, BATCH_MAX));
    } finally {
      this.lanes.delete(packetId);
      // Never, as runBatch settles every claim it takes; but no claim may be left waiting.
      for (const pending of lane.splice(0)) pending.reject(new Error('claim batch stopped'));
    }
  }

  /**
   * One batch: a claim alone runs on its own; more, together in one transaction. A user's second
   * claim in a batch runs after it, on its own (and finds the first). When the batch fails as a
   * whole (it lost a race with a claim committed by another instance, say), it is rolled back and
   * each of its claims runs on its own instead, so the batch never changes an outcome.
   */
  private async runBatch(batch: PendingClaim[]): Promise<void> {
    const settle = (pending: PendingClaim, outcome: Promise<ClaimResponse>) => outcome.then(pending.resolve, pending.reject);
    if (batch.length === 1) return settle(batch[0], this.claimOne(batch[0].actor, batch[0].body));
    const users = new Set<string>();
    const together: PendingClaim[] = [];
    const after: PendingClaim[] = [];
    for (const pending of batch) {
      if (users.has(pending.actor.account.id)) after.push(pending);
      else together.push(pending), users.add(pending.actor.account.id);
    }
    let outcomes: Outcome[];
    try {
      outcomes = await this.ctx.db.tx(() => this.claimTogether(together), { isolation: 'read committed' });
      this.stats.batches++;
      this.stats.batched += together.length;
    } catch (error) {
      this.stats.fallbacks++;
      this.onBatchFailure(error, together.length);
      outcomes = await Promise.all(together.map((pending) => this.claimOne(pending.actor, pending.body).then((response) => ({ response }), (error: unknown) => ({ error }))));
    }
    for (const [index, pending] of together.entries()) {
      const outcome = outcomes[index];
      if ('response' in outcome) pending.resolve(outcome.response);
      else pending.reject(outcome.error);
    }
    await Promise.all(after.map((pending) => settle(pending, this.claimOne(pending.actor, pending.body))));
  }

  /**
   * Share-card claims of one packet (one per user) in the caller's transaction, with
   * the statements of claimOne each made once for all of them: their risk screening
   * (RiskEngine.screenMany), what they read (PacketStore.forClaims), the shares taken in claim
   * order (PacketStore.takeShares), and the audit and webhook records of their events
   * (DomainEvents.emitMany). Each claim is judged as claimOne would judge it, and a refused claim
   * is given its error in its place without holding back the others. Each response shows the
   * packet as it was right after its own claim, as claimOne's do.
   */
  private async claimTogether(batch: readonly PendingClaim[]): Promise<Outcome[]> {
    const { packets, ledger } = this.ctx.stores;
    const packetId = batch[0].body.packetId!;
    const now = this.ctx.clock.now();
    const deviceOf = (pending: PendingClaim) => pending.body.deviceId ?? pending.actor.deviceId;
    const outcomes: Array<Outcome | undefined> = batch.map(() => undefined);

    const screened = await this.risk.screenMany(batch.map((pending) => ({ action: 'claim', account: pending.actor.account, deviceId: deviceOf(pending), amount: null, subject: packetId })));
    const found = await packets.forClaims(packetId, batch.map((pending) => pending.actor.account.id));
    const eligible: number[] = [];
    for (const [index, pending] of batch.entries()) {
      const user = pending.actor.account;
      const verdict = screened[index];
      const refusal = 'error' in verdict ? verdict.error : found ? claimRefusal(found.packet, user, found.claimers.get(user.id)?.earlier ?? null, now) : new AppError('NOT_FOUND', `No packet ${packetId}.`);
      if (refusal) outcomes[index] = { error: refusal };
      else eligible.push(index);
    }
    if (!found || eligible.length === 0) return settled(outcomes);
    const { packet } = found;

    const userOf = (index: number) => batch[index].actor.account.id;
    const walletless = eligible.map(userOf).filter((user) => !found.claimers.get(user)?.walletId);
    const made = walletless.length > 0 ? await ledger.wallets(walletless) : new Map<string, string>();
    const claimers = eligible.map((index) => ({
      claim_id: newId('cl'),
      user_id: userOf(index),
      device_id: deviceOf(batch[index]),
      transfer_id: newId('tr'),
      wallet_account_id: found.claimers.get(userOf(index))?.walletId ?? made.get(userOf(index))!,
    }));
    const taken = await packets.takeShares({ packet_id: packetId, now, claimers });
    // The packet filled or closed since it was read: none of them gets a share.
    if (!taken) {
      for (const index of eligible) outcomes[index] = { error: new AppError(now >= packet.expires_at ? 'PACKET_EXPIRED' : 'PACKET_EXHAUSTED') };
      return settled(outcomes);
    }
    // The claimers took slots in their order; those past the last share get PACKET_EXHAUSTED (settled).
    const { claims } = taken;
    // What risk control records of a claim let through, for the claims that got a share only.
    for (const position of claims.keys()) {
      const verdict = screened[eligible[position]];
      if ('admit' in verdict) await verdict.admit();
    }
    const { start, ...after } = taken.packet;
    await this.ctx.events.emitMany(
      claims.map((claim) => ({ type: 'packet.claimed', actorId: claim.user_id, subjectId: packetId, accountIds: [packet.sender_id, claim.user_id], amount: claim.amount, data: { claimId: claim.id, slot: claim.slot }, at: now })),
    );
    const finished = after.claimed_count === after.count ? await packets.finish(packetId, now) : undefined;
    if (finished) {
      await this.ctx.events.emit({ type: 'packet.finished', actorId: null, subjectId: packetId, accountIds: [packet.sender_id], amount: 0, data: { luckiestClaimId: finished.luckiest_claim_id }, at: now });
    }
    this.ctx.db.onCommit(() => this.ctx.bus.notify(packetTopic(packetId)));

    // The packet as each claim left it: counters and version one claim at a time from where the batch began.
    let claimedAmount = after.claimed_amount - claims.reduce((sum, claim) => sum + claim.amount, 0);
    for (const [position, claim] of claims.entries()) {
      const index = eligible[position];
      claimedAmount += claim.amount;
      const last = position === claims.length - 1;
      const row: PacketRow = last
        ? (finished ?? after)
        : { ...after, status: 'active', claimed_count: start + position + 1, claimed_amount: claimedAmount, version: after.version - (claims.length - position - 1) };
      outcomes[index] = { response: { claim: claimView(claim, batch[index].actor.account.name), packet: await this.packets.view(row, packet.sender_name) } };
    }
    return settled(outcomes);
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
