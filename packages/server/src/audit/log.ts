import { toIso } from '../clock';
import { maskName, maskOpenid } from '../domain/mask';
import { fail } from '../errors';
import type { Actor, ServiceContext } from '../services/context';
import type { DomainEvent } from '../services/events';
import { newId } from '../ids';
import { AuditStore } from '../store/audit';
import { canonicalJson, GENESIS_HASH, hashEntry, PURGE_ENTRY_TYPE, verifyChain, type AuditRow, type Checkpoint, type VerifyResult } from './chain';

/** `entry` as the chain's next link after `head`. */
function chained(entry: Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>, head: Checkpoint | null): AuditRow {
  const partial = { seq: (head?.seq ?? 0) + 1, ...entry, prev_hash: head?.hash ?? GENESIS_HASH };
  return { ...partial, hash: hashEntry(partial) };
}

/** What is stored of an input, before it is linked into the chain. */
function entryOf(input: AuditInput): Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'> {
  return {
    at: input.at,
    type: input.type,
    actor_id: input.actorId,
    subject_id: input.subjectId,
    account_ids: canonicalJson([...new Set(input.accountIds)]),
    amount: input.amount,
    data: canonicalJson(input.data),
  };
}

/** Entries chained per transaction on PostgreSQL. */
const CHAIN_BATCH = 500;
/**
 * How long after a commit with pending entries the chainer runs (PostgreSQL). The commits until
 * then share the run; no response waits for it, and readers of the trail chain at once.
 */
const CHAIN_DELAY_MS = 20;

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
 *
 * On SQLite (one writer) an entry is linked into the chain as it is appended. On PostgreSQL a
 * chain head shared by every transaction of every instance would make them all collide, so each
 * transaction only adds its entry to `audit_pending`, and CHAIN_DELAY_MS after a commit a chainer
 * links the pending entries in batches under an advisory lock (`settle`), one run for the commits
 * in between. The pending entry commits with its change, so nothing is lost when the process dies
 * before the chainer runs (the next start chains it); responses do not wait for the chainer, and
 * reading, verifying or purging the trail chains whatever is left first, so every reader sees
 * every entry in the chain.
 */
export class AuditLog {
  readonly store: AuditStore;
  /**
   * PostgreSQL chaining (see settle): the run due after this process's last commit with pending
   * entries (set from that commit until a run begins, so it also says whether one is owed), and the runs.
   */
  private chainTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly ctx: ServiceContext) {
    this.store = new AuditStore(ctx.db);
  }

  /** Appends every domain event of this context from now on. */
  attach(): void {
    this.ctx.events.subscribe(
      async (event: DomainEvent) => {
        await this.append(event);
      },
      (events) => this.appendMany(events),
    );
  }

  /** Appends several entries of one transaction, in their order: on PostgreSQL as pending entries, on SQLite linked; one statement for them all (two with their index rows). */
  async appendMany(inputs: readonly AuditInput[]): Promise<void> {
    if (this.ctx.db.dialect !== 'postgres') {
      await this.ctx.db.tx(async () => {
        let head = await this.store.head();
        const links = inputs.map((input) => (head = chained(entryOf(input), head)));
        await this.store.insertMany(links);
      });
      return;
    }
    await this.store.insertPendingMany(inputs.map((input) => ({ id: newId('au'), ...entryOf(input) })));
    this.ctx.db.onCommit(() => this.chainSoon());
  }

  /** PostgreSQL, after a commit that left pending entries: a chain run soon, shared by the commits until then. */
  private chainSoon(): void {
    if (this.chainTimer) return;
    this.chainTimer = setTimeout(() => {
      this.settle().catch(() => undefined); // the next settle or verify retries
    }, CHAIN_DELAY_MS);
    this.chainTimer.unref();
  }

  /** Appends one entry inside the caller's transaction (or its own); resolves to its seq. */
  async append(input: AuditInput): Promise<void> {
    const entry = entryOf(input);
    if (this.ctx.db.dialect === 'postgres') {
      // Many writers at once: each transaction only adds its entry; the chainer links them up.
      await this.store.insertPending({ id: newId('au'), ...entry });
      this.ctx.db.onCommit(() => this.chainSoon());
      return;
    }
    await this.ctx.db.tx(async () => {
      await this.link(entry, await this.store.head());
    });
  }

  /** Writes `entry` as the chain's next link after `head`; resolves to the new head. */
  private async link(entry: Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>, head: Checkpoint | null): Promise<Checkpoint> {
    const row = chained(entry, head);
    await this.store.insert(row, JSON.parse(entry.account_ids) as string[]);
    return { seq: row.seq, hash: row.hash };
  }

  /**
   * PostgreSQL: resolves once every entry this process committed before the call is in the chain
   * (readers of the trail await it with `all`; the app awaits it when it closes).
   * Runs coalesce: callers arriving while one runs share the next. `all` also chains what other
   * instances left behind (one that died between its commit and its chain run). On SQLite entries
   * are chained as they are appended: nothing to do.
   */
  settle(all = false): Promise<void> {
    if (this.ctx.db.dialect !== 'postgres') return Promise.resolve();
    if (!all && !this.chainTimer) return this.running ?? Promise.resolve();
    if (this.queued) return this.queued;
    const queued = (this.running ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        this.queued = null;
        // This run chains what the timer was due to (a commit from now on sets a new one).
        if (this.chainTimer) clearTimeout(this.chainTimer);
        this.chainTimer = null;
        const running = this.chainAll();
        this.running = running;
        try {
          await running;
        } finally {
          if (this.running === running) this.running = null;
        }
      });
    this.queued = queued;
    return queued;
  }

  /** Chains every pending entry, oldest first, in batches, each under the chain's lock. */
  private async chainAll(): Promise<void> {
    for (;;) {
      const linked = await this.ctx.db.tx(
        async () => {
          // Three statements after BEGIN, however many entries a run links: the lock (alone, so the
          // read after it sees what the chainer before committed), the read, the write.
          await this.store.lockChain();
          const { pending, head } = await this.store.pendingAndHead(CHAIN_BATCH);
          if (pending.length === 0) return 0;
          let last = head;
          const links = pending.map(({ id: _id, ...entry }) => (last = chained(entry, last)));
          await this.store.insertMany(links, pending.map((row) => row.id));
          return pending.length;
        },
        { isolation: 'read committed' },
      );
      if (linked < CHAIN_BATCH) return;
    }
  }

  async verify(): Promise<VerifyResult> {
    await this.settle(true);
    const checkpoint = await this.store.checkpoint();
    return verifyChain(await this.store.all(), checkpoint);
  }

  /**
   * Removes the entries written before `before` (only a prefix of the chain, so what stays is
   * still one chain) and records the last removed entry's hash as the checkpoint, confirmed by an
   * `audit.purged` entry. Refuses to reach into the retention period.
   */
  async purge(before: number, actorId: string | null): Promise<{ removed: number; throughSeq: number | null }> {
    const now = this.ctx.clock.now();
    const retentionStart = now - this.ctx.config.auditRetentionDays * DAY_MS;
    if (before > retentionStart) {
      fail(
        'VALIDATION_FAILED',
        `Entries are kept for ${this.ctx.config.auditRetentionDays} days; purge only before ${toIso(retentionStart)} (asked for ${toIso(before)}).`,
        { field: 'before' },
      );
    }
    await this.settle(true);
    return this.ctx.db.tx(async () => {
      const last = await this.store.purgeableThrough(before);
      if (!last) return { removed: 0, throughSeq: null };
      const removed = await this.store.purgeThrough(last, before, now);
      await this.append({ type: PURGE_ENTRY_TYPE, actorId, subjectId: 'audit', accountIds: [], amount: 0, data: { throughSeq: last.seq, hash: last.hash, before, removed }, at: now });
      return { removed, throughSeq: last.seq };
    });
  }

  /**
   * The trail as the caller may see it: auditors and admins everything, support everything with
   * names and openids masked, and everyone else their own entries of the last 30 days.
   */
  async query(actor: Actor, query: AuditQuery): Promise<{ data: AuditEntryView[]; nextCursor: string | null }> {
    const role = actor.account.role;
    const staff = role === 'auditor' || role === 'admin' || role === 'support';
    if (!staff && query.account !== undefined && query.account !== actor.account.id) fail('FORBIDDEN', 'You may read your own audit trail only.');
    const beforeSeq = query.cursor === undefined || query.cursor === '' ? null : Number(query.cursor);
    if (beforeSeq !== null && (!Number.isSafeInteger(beforeSeq) || beforeSeq < 0)) fail('VALIDATION_FAILED', 'cursor is not one this API returned.', { field: 'cursor' });
    let since = parseTime(query.since, 'since');
    const until = parseTime(query.until, 'until');
    if (!staff) since = Math.max(since ?? 0, this.ctx.clock.now() - TRAIL_DAYS * DAY_MS);
    const limit = query.limit ?? 50;
    await this.settle(true);
    const rows = await this.store.query({ accountId: staff ? query.account : actor.account.id, type: query.type, since, until, beforeSeq, limit: limit + 1 });
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
