import { businessDay } from '../clock';
import type { Database } from '../store/sql';

/**
 * The money invariants (SPEC section 1), checked straight from the tables, in SQL that runs on
 * SQLite and PostgreSQL alike. Resolves to every violation found; `assertInvariants` rejects when
 * there is any. Test suites run it after each scenario.
 */
export async function findInvariantViolations(database: Database): Promise<string[]> {
  const problems: string[] = [];
  const rows = <T>(sql: string) => database.all<T>(sql);

  const total = Number((await database.get<{ s: number }>('SELECT COALESCE(SUM(balance), 0) AS s FROM ledger_accounts'))!.s);
  if (total !== 0) problems.push(`ledger accounts sum to ${total}, not 0`);

  for (const row of await rows<{ id: string; balance: number; entries: number }>(
    `SELECT a.id, a.balance, COALESCE(SUM(e.amount), 0) AS entries FROM ledger_accounts a
     LEFT JOIN ledger_entries e ON e.ledger_account_id = a.id GROUP BY a.id, a.balance HAVING a.balance != COALESCE(SUM(e.amount), 0)`,
  )) problems.push(`ledger account ${row.id} has balance ${row.balance} but its entries sum to ${row.entries}`);

  for (const row of await rows<{ transfer_id: string; s: number }>('SELECT transfer_id, SUM(amount) AS s FROM ledger_entries GROUP BY transfer_id HAVING SUM(amount) != 0')) {
    problems.push(`transfer ${row.transfer_id} legs sum to ${row.s}`);
  }

  for (const row of await rows<{ id: string; type: string; balance: number }>('SELECT id, type, balance FROM ledger_accounts WHERE may_go_negative = 0 AND balance < 0')) {
    problems.push(`${row.type} account ${row.id} is negative: ${row.balance}`);
  }

  for (const row of await rows<{ id: string; total: number; count: number; shares: number; share_count: number }>(
    `SELECT p.id, p.total, p.count, COALESCE(SUM(s.amount), 0) AS shares, COUNT(s.slot) AS share_count
     FROM packets p LEFT JOIN packet_shares s ON s.packet_id = p.id GROUP BY p.id, p.total, p.count
     HAVING COALESCE(SUM(s.amount), 0) != p.total OR COUNT(s.slot) != p.count`,
  )) problems.push(`packet ${row.id}: ${row.share_count} shares sum to ${row.shares}, expected ${row.count} shares summing to ${row.total}`);

  for (const row of await rows<{ id: string; claimed_count: number; claimed_amount: number; n: number; s: number }>(
    `SELECT p.id, p.claimed_count, p.claimed_amount, COUNT(c.id) AS n, COALESCE(SUM(c.amount), 0) AS s
     FROM packets p LEFT JOIN claims c ON c.packet_id = p.id GROUP BY p.id, p.claimed_count, p.claimed_amount
     HAVING COUNT(c.id) != p.claimed_count OR COALESCE(SUM(c.amount), 0) != p.claimed_amount`,
  )) problems.push(`packet ${row.id} records ${row.claimed_count} claims of ${row.claimed_amount} but has ${row.n} claims of ${row.s}`);

  for (const row of await rows<{ id: string; escrow: number; expected: number }>(
    `SELECT p.id, a.balance AS escrow, p.total - p.claimed_amount - p.refunded_amount AS expected
     FROM packets p JOIN ledger_accounts a ON a.id = p.escrow_account_id WHERE a.balance != p.total - p.claimed_amount - p.refunded_amount`,
  )) problems.push(`packet ${row.id} escrow holds ${row.escrow}, expected ${row.expected}`);

  for (const row of await rows<{ id: string; slot: number; claim_amount: number; share_amount: number }>(
    `SELECT c.id, c.slot, c.amount AS claim_amount, s.amount AS share_amount FROM claims c
     JOIN packet_shares s ON s.packet_id = c.packet_id AND s.slot = c.slot WHERE c.amount != s.amount`,
  )) problems.push(`claim ${row.id} took ${row.claim_amount} but slot ${row.slot} holds ${row.share_amount}`);

  for (const row of await rows<{ packet_id: string; user_id: string; n: number }>('SELECT packet_id, user_id, COUNT(*) AS n FROM claims GROUP BY packet_id, user_id HAVING COUNT(*) > 1')) {
    problems.push(`user ${row.user_id} claimed packet ${row.packet_id} ${row.n} times`);
  }

  for (const row of await rows<{ reference: string; n: number }>("SELECT reference, COUNT(*) AS n FROM transfers WHERE kind = 'packet.refund' GROUP BY reference HAVING COUNT(*) > 1")) {
    problems.push(`packet ${row.reference} was refunded ${row.n} times`);
  }
  for (const row of await rows<{ id: string; status: string; refunded_amount: number }>(
    "SELECT id, status, refunded_amount FROM packets WHERE (status = 'refunded') != (refunded_at IS NOT NULL) OR (refunded_amount > 0 AND status != 'refunded')",
  )) problems.push(`packet ${row.id} is ${row.status} with refunded amount ${row.refunded_amount}`);

  for (const row of await rows<{ id: string }>('SELECT id FROM payments WHERE fee < 0 OR fee > amount')) problems.push(`payment ${row.id} has a fee outside 0..amount`);

  // Settlement (SPEC section 7): a merchant's pending money is exactly its unsettled, unrefunded
  // payments; the platform's fees are exactly the settled fees; each settlement's transfer moved
  // its net and fees; a settled day has no payment left pending.
  for (const row of await rows<{ owner_id: string; balance: number; expected: number }>(
    `SELECT owner_id, balance, expected FROM (
       SELECT a.owner_id, a.balance, COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.payee_id = a.owner_id AND p.status = 'pending_settlement'), 0) AS expected
       FROM ledger_accounts a WHERE a.type = 'pending') pending WHERE balance != expected`,
  )) problems.push(`merchant ${row.owner_id} has ${row.balance} pending but ${row.expected} in unsettled payments`);
  const fees = Number((await database.get<{ s: number }>("SELECT COALESCE(SUM(balance), 0) AS s FROM ledger_accounts WHERE type = 'fees'"))!.s);
  const settledFees = Number((await database.get<{ s: number }>('SELECT COALESCE(SUM(fees), 0) AS s FROM settlements'))!.s);
  if (fees !== settledFees) problems.push(`fee accounts hold ${fees} but settlements charged ${settledFees}`);
  for (const row of await rows<{ id: string; net: number; moved: number }>(
    `SELECT id, net, moved FROM (
       SELECT s.id, s.net, COALESCE((SELECT SUM(e.amount) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.ledger_account_id
         WHERE e.transfer_id = s.transfer_id AND a.type = 'wallet' AND a.owner_id = s.merchant_id), 0) AS moved
       FROM settlements s) settled WHERE moved != net`,
  )) problems.push(`settlement ${row.id} has net ${row.net} but moved ${row.moved} to the wallet`);
  // The business day of a payment is computed here rather than in SQL (the two stores' date
  // functions differ).
  const settledDays = new Set((await rows<{ merchant_id: string; day: string }>('SELECT merchant_id, day FROM settlements')).map((row) => `${row.merchant_id} ${row.day}`));
  for (const row of await rows<{ id: string; payee_id: string; created_at: number }>("SELECT id, payee_id, created_at FROM payments WHERE status = 'pending_settlement'")) {
    if (settledDays.has(`${row.payee_id} ${businessDay(Number(row.created_at))}`)) problems.push(`payment ${row.id} is still pending though its day is settled`);
  }

  // Batches: the counts on a batch are its items' outcomes; a completed batch has no pending item.
  for (const row of await rows<{ id: string }>(
    `SELECT b.id FROM batches b WHERE b.succeeded != (SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id AND i.status = 'succeeded')
       OR b.failed != (SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id AND i.status = 'failed')
       OR (b.status = 'completed') != (b.succeeded + b.failed = b.total)`,
  )) problems.push(`batch ${row.id} counts do not match its items`);

  return problems;
}

export async function assertInvariants(database: Database): Promise<void> {
  const problems = await findInvariantViolations(database);
  if (problems.length > 0) throw new Error(`Money invariants violated:\n  ${problems.join('\n  ')}`);
}
