/**
 * The send form's draft. Every step saves it, so closing the app or losing the network loses
 * nothing; the next visit offers to continue.
 *
 * The idempotency key lives with the draft: it is made with the draft, sent with every submit
 * attempt of the same packet, and so a retry after a network failure (when the first attempt may
 * have reached the server) can never create a second packet. Editing what would be sent after an
 * attempt gives the draft a new key, because the server rightly refuses a reused key with a
 * different body (IDEMPOTENCY_CONFLICT). A success deletes the draft.
 */
import type { CreatePacketParams } from '@hongbao/sdk';
import { randomId } from './ids';
import type { KeyValueStorage } from './storage';
import type { PacketMode } from './validation';
import { parseYuan, type Scene } from './protocol';

export const DRAFT_STORAGE_KEY = 'hongbao.sendDraft.v1';

export type DraftStep = 1 | 2 | 3 | 4;

export interface Draft {
  step: DraftStep;
  mode: PacketMode;
  scene: Scene;
  /** The total (random, exclusive) or the amount of each share (fixed), as typed. */
  amountText: string;
  countText: string;
  message: string;
  recipient: string;
  idempotencyKey: string;
  /** The body of the last submit attempt whose outcome is unknown, if any. */
  attempted: PacketBody | null;
  updatedAt: number;
}

/** What the send flow submits: the SDK's `packets.create` parameters it sets. */
export type PacketBody = Pick<CreatePacketParams, 'mode' | 'total' | 'count' | 'message' | 'scene' | 'recipient'>;

export type DraftFields = Pick<Draft, 'step' | 'mode' | 'scene' | 'amountText' | 'countText' | 'message' | 'recipient'>;

export function newDraft(now: number = Date.now()): Draft {
  return {
    step: 1,
    mode: 'random',
    scene: 'general',
    amountText: '',
    countText: '',
    message: '',
    recipient: '',
    idempotencyKey: randomId('packet', now),
    attempted: null,
    updatedAt: now,
  };
}

/**
 * What submitting this draft would send, or null while the amount or count does not parse. A fixed
 * packet's amount field is the amount of each share; the API takes the total.
 */
export function bodyOf(draft: Pick<Draft, 'mode' | 'scene' | 'amountText' | 'countText' | 'message' | 'recipient'>): PacketBody | null {
  const amount = parseYuan(draft.amountText);
  const count = draft.mode === 'exclusive' ? 1 : /^\d{1,6}$/.test(draft.countText.trim()) ? Number(draft.countText.trim()) : null;
  if (amount === null || count === null) return null;
  const body: PacketBody = { mode: draft.mode, total: draft.mode === 'fixed' ? amount * count : amount, count, scene: draft.scene };
  const message = draft.message.trim();
  if (message) body.message = message;
  if (draft.mode === 'exclusive') body.recipient = draft.recipient.trim();
  return body;
}

const sameBody = (a: PacketBody, b: PacketBody) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const canonical = (body: PacketBody) => ({
  mode: body.mode,
  total: body.total,
  count: body.count,
  message: body.message ?? '',
  scene: body.scene ?? null,
  recipient: body.recipient ?? null,
});

function isDraft(value: unknown): value is Draft {
  if (!value || typeof value !== 'object') return false;
  const draft = value as Partial<Draft>;
  return typeof draft.idempotencyKey === 'string' && typeof draft.amountText === 'string' && typeof draft.step === 'number';
}

export class DraftStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => number = Date.now,
  ) {}

  /** The saved draft, or null when there is none (or it is unreadable). */
  load(): Draft | null {
    const value = this.storage.get(DRAFT_STORAGE_KEY);
    return isDraft(value) ? value : null;
  }

  /** The saved draft, or a fresh one (not saved until something is typed). */
  current(): Draft {
    return this.load() ?? newDraft(this.now());
  }

  /**
   * Saves edited fields. When an attempt is pending and the edit changes what would be sent, the
   * draft gets a fresh idempotency key: the old one belongs to the old body.
   */
  update(draft: Draft, fields: Partial<DraftFields>): Draft {
    let next: Draft = { ...draft, ...fields, updatedAt: this.now() };
    const bodyAfterEdit = bodyOf(next);
    if (draft.attempted && (bodyAfterEdit === null || !sameBody(draft.attempted, bodyAfterEdit))) {
      next = { ...next, attempted: null, idempotencyKey: randomId('packet', this.now()) };
    }
    this.storage.set(DRAFT_STORAGE_KEY, next);
    return next;
  }

  /**
   * Records a submit attempt before it is sent and returns the key to send it with: the draft's
   * own key when this body is the one already attempted (a retry) or the first attempt, a new key
   * when a different body replaces an earlier attempt.
   */
  beginSubmit(draft: Draft, body: PacketBody): { draft: Draft; idempotencyKey: string } {
    const key = draft.attempted && !sameBody(draft.attempted, body) ? randomId('packet', this.now()) : draft.idempotencyKey;
    const next: Draft = { ...draft, step: 4, attempted: body, idempotencyKey: key, updatedAt: this.now() };
    this.storage.set(DRAFT_STORAGE_KEY, next);
    return { draft: next, idempotencyKey: key };
  }

  /** The packet exists: the draft has done its job. */
  complete(): void {
    this.storage.remove(DRAFT_STORAGE_KEY);
  }

  discard(): void {
    this.storage.remove(DRAFT_STORAGE_KEY);
  }

  /** True when a draft worth offering exists: something typed, or an unfinished submit. */
  hasResumable(): boolean {
    const draft = this.load();
    return draft !== null && (draft.attempted !== null || draft.amountText !== '' || draft.step > 1);
  }
}
