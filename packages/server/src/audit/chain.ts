import { createHash } from 'node:crypto';

/** The `prev_hash` of the first entry ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so one entry always serializes to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One audit entry as stored: `account_ids` and `data` are canonical JSON text. */
export interface AuditRow {
  seq: number;
  at: number;
  type: string;
  actor_id: string | null;
  subject_id: string;
  account_ids: string;
  amount: number;
  data: string;
  prev_hash: string;
  hash: string;
}

/** sha256 over the canonical JSON of every stored field but the hash itself, the previous hash included. */
export function hashEntry(row: Omit<AuditRow, 'hash'>): string {
  const fields = {
    seq: row.seq,
    at: row.at,
    type: row.type,
    actorId: row.actor_id,
    subjectId: row.subject_id,
    accountIds: row.account_ids,
    amount: row.amount,
    data: row.data,
    prevHash: row.prev_hash,
  };
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

export interface Checkpoint {
  /** The last purged entry and its hash: the chain left behind continues from it. */
  seq: number;
  hash: string;
}

export type VerifyResult =
  | { ok: true; entries: number; first: number | null; head: { seq: number; hash: string } | null }
  | { ok: false; seq: number; problem: 'altered' | 'inserted' | 'missing' | 'checkpoint'; message: string };

/** Entries that confirm a purge checkpoint; written by the purge right after it cuts the chain. */
export const PURGE_ENTRY_TYPE = 'audit.purged';

/**
 * Walks the chain in seq order from the purge checkpoint (or the genesis) and reports the first
 * entry that is not what the chain says it should be:
 *
 * - missing: a seq is skipped (an entry was deleted);
 * - altered: an entry's contents no longer hash to its stored hash;
 * - inserted: an entry hashes consistently but does not link to the entry before it (a forged
 *   entry put in place of a real one), or sits at or before the checkpoint;
 * - checkpoint: the checkpoint is not confirmed by the purge entry that recorded it.
 *
 * A forged tail (entries appended with correctly recomputed hashes) links up like real ones; the
 * head hash in the result is what an operator anchors elsewhere to catch that.
 */
export function verifyChain(rows: Iterable<AuditRow>, checkpoint: Checkpoint | null): VerifyResult {
  let expectedSeq = checkpoint ? checkpoint.seq + 1 : 1;
  let prevHash = checkpoint ? checkpoint.hash : GENESIS_HASH;
  let entries = 0;
  let first: number | null = null;
  let confirmed = checkpoint === null;
  for (const row of rows) {
    if (row.seq < expectedSeq) {
      return { ok: false, seq: row.seq, problem: 'inserted', message: `entry #${row.seq} was inserted: the chain continues from #${expectedSeq - 1}, the purge checkpoint or the entry before.` };
    }
    if (row.seq > expectedSeq) {
      const gap = row.seq - 1 === expectedSeq ? `entry #${expectedSeq} is` : `entries #${expectedSeq}–#${row.seq - 1} are`;
      return { ok: false, seq: expectedSeq, problem: 'missing', message: `${gap} missing: the chain jumps from #${expectedSeq - 1} to #${row.seq}.` };
    }
    if (hashEntry(row) !== row.hash) {
      return { ok: false, seq: row.seq, problem: 'altered', message: `entry #${row.seq} (${row.type}) was altered: its contents do not match its hash.` };
    }
    if (row.prev_hash !== prevHash) {
      return {
        ok: false,
        seq: row.seq,
        problem: 'inserted',
        message: `entry #${row.seq} (${row.type}) was inserted or replaced: it does not link to the hash of entry #${row.seq - 1}.`,
      };
    }
    if (!confirmed && row.type === PURGE_ENTRY_TYPE) {
      const data = JSON.parse(row.data) as { throughSeq?: number; hash?: string };
      confirmed = data.throughSeq === checkpoint!.seq && data.hash === checkpoint!.hash;
    }
    first ??= row.seq;
    prevHash = row.hash;
    expectedSeq++;
    entries++;
  }
  if (!confirmed) {
    return { ok: false, seq: checkpoint!.seq, problem: 'checkpoint', message: `the purge checkpoint at #${checkpoint!.seq} is not confirmed by an ${PURGE_ENTRY_TYPE} entry: it was altered.` };
  }
  return { ok: true, entries, first, head: entries > 0 ? { seq: expectedSeq - 1, hash: prevHash } : null };
}
