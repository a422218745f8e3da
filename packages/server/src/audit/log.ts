import { toIso } from '../clock';
import { maskName, maskOpenid } from '../domain/mask';
import { fail } from '../errors';
import type { Actor, ServiceContext } from '../services/context';
import type { DomainEvent } from '../services/events';
import { AuditStore } from '../store/audit';
import { canonicalJson, GENESIS_HASH, hashEntry, PURGE_ENTRY_TYPE, verifyChain, type AuditRow, type VerifyResult } from './chain';

/** What is recorded: a domain event, a risk decision or an admin action. */
export interface AuditInput {
  type: string;
  actorId: string | null;
  subjectId: string;
  accountIds: readonly string[];
  amount: number;
  data: Record<string, unknown>;
  at: number;
}

export interface AuditEntryView {
  seq: number;
  at: string;
  type: string;
  actorId: string | null;
  subjectId: string;
  accountIds: string[];
  amount: number;
  data: Record<string, unknown>;
  hash: string;
  prevHash: string;
}

export interface AuditQuery {
  account?: string;
  type?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

const DAY_MS = 86_400_000;
/** How far back a user's own trail reaches (SPEC section 6). */
export const TRAIL_DAYS = 30;
/** Keys in entry data that hold personal data, with how support staff see them. */
const PERSONAL_KEYS: Record<string, (value: string) => string> = { name: maskName, openid: maskOpenid };

const parseTime = (value: string | undefined, field: string): number | undefined => {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) fail('VALIDATION_FAILED', `${field} must be an ISO 8601 date or time (got "${value}").`, { field });
  return ms;
};

/**
 * The append-only, hash-chained audit log (SPEC section 6). Every domain event is appended inside
 * the transaction of its change, so an entry exists exactly when the change committed; risk
 * decisions and admin actions are appended by their services the same way. Each entry stores the
 * hash of the one before; `verify` walks the chain, and a purge keeps it verifiable by recording
 * the last purged hash as a checkpoint.
 */
export class AuditLog {
  readonly store: AuditStore;

  constructor(private readonly ctx: ServiceContext) {
    this.store = new AuditStore(ctx.db.db);
  }

  /** Appends every domain event of this context from now on. */
  attach(): void {
    this.ctx.events.subscribe((event: DomainEvent) => this.append(event));
  }

  /** Appends one entry inside the caller's transaction (or its own). */
  append(input: AuditInput): number {
    return this.ctx.db.txSync(() => {
      const head = this.store.head();
      const accountIds = [...new Set(input.accountIds)];
      const partial = {
        seq: (head?.seq ?? 0) + 1,
        at: input.at,
        type: input.type,
        actor_id: input.actorId,
        subject_id: input.subjectId,
        account_ids: canonicalJson(accountIds),
        amount: input.amount,
        data: canonicalJson(input.data),
        prev_hash: head?.hash ?? GENESIS_HASH,
      };
      const row: AuditRow = { ...partial, hash: hashEntry(partial) };
      this.store.insert(row, accountIds);
      return row.seq;
    });
  }

  verify(): VerifyResult {
    return verifyChain(this.store.all(), this.store.checkpoint());
  }

  /**
   * Removes the entries written before `before` (only a prefix of the chain, so what stays is
   * still one chain) and records the last removed entry's hash as the checkpoint, confirmed by an
   * `audit.purged` entry. Refuses to reach into the retention period.
   */
  purge(before: number, actorId: string | null): { removed: number; throughSeq: number | null } {
    const now = this.ctx.clock.now();
    const retentionStart = now - this.ctx.config.auditRetentionDays * DAY_MS;
    if (before > retentionStart) {
      fail(
        'VALIDATION_FAILED',
        `Entries are kept for ${this.ctx.config.auditRetentionDays} days; purge only before ${toIso(retentionStart)} (asked for ${toIso(before)}).`,
        { field: 'before' },
      );
    }
    return this.ctx.db.txSync(() => {
      const last = this.store.purgeableThrough(before);
      if (!last) return { removed: 0, throughSeq: null };
      const removed = this.store.purgeThrough(last, before, now);
      this.append({ type: PURGE_ENTRY_TYPE, actorId, subjectId: 'audit', accountIds: [], amount: 0, data: { throughSeq: last.seq, hash: last.hash, before, removed }, at: now });
      return { removed, throughSeq: last.seq };
    });
  }

  /**
   * The trail as the caller may see it: auditors and admins everything, support everything with
   * names and openids masked, and everyone else their own entries of the last 30 days.
   */
  query(actor: Actor, query: AuditQuery): { data: AuditEntryView[]; nextCursor: string | null } {
    const role = actor.account.role;
    const staff = role === 'auditor' || role === 'admin' || role === 'support';
    if (!staff && query.account !== undefined && query.account !== actor.account.id) fail('FORBIDDEN', 'You may read your own audit trail only.');
    const beforeSeq = query.cursor === undefined || query.cursor === '' ? null : Number(query.cursor);
    if (beforeSeq !== null && (!Number.isSafeInteger(beforeSeq) || beforeSeq < 0)) fail('VALIDATION_FAILED', 'cursor is not one this API returned.', { field: 'cursor' });
    let since = parseTime(query.since, 'since');
    const until = parseTime(query.until, 'until');
    if (!staff) since = Math.max(since ?? 0, this.ctx.clock.now() - TRAIL_DAYS * DAY_MS);
    const limit = query.limit ?? 50;
    const rows = this.store.query({ accountId: staff ? query.account : actor.account.id, type: query.type, since, until, beforeSeq, limit: limit + 1 });
    const data = rows.slice(0, limit).map((row) => this.view(row, role === 'support'));
    return { data, nextCursor: rows.length > limit ? String(rows[limit - 1].seq) : null };
  }

  private view(row: AuditRow, masked: boolean): AuditEntryView {
    const data = JSON.parse(row.data) as Record<string, unknown>;
    return {
      seq: row.seq,
      at: toIso(row.at),
      type: row.type,
      actorId: row.actor_id,
      subjectId: row.subject_id,
      accountIds: JSON.parse(row.account_ids) as string[],
      amount: row.amount,
      data: masked ? maskPersonal(data) : data,
      hash: row.hash,
      prevHash: row.prev_hash,
    };
  }
}

/** A copy of `data` with names and openids partly hidden, at any depth. */
function maskPersonal(data: Record<string, unknown>): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string' && Object.hasOwn(PERSONAL_KEYS, key)) masked[key] = PERSONAL_KEYS[key](value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) masked[key] = maskPersonal(value as Record<string, unknown>);
    else masked[key] = value;
  }
  return masked;
}
