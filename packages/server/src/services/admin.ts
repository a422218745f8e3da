import { randomBytes } from 'node:crypto';
import type { AmlReportsQuery, BlacklistBody, BlacklistEntry, Page, ResolveFlagBody, ReviewFlag, RiskDecision, RiskDecisionsQuery } from '@hongbao/protocol';
import type { Static } from '@sinclair/typebox';
import type { AuditLog } from '../audit/log';
import { isoOrNull, toIso } from '../clock';
import { fail } from '../errors';
import { newId } from '../ids';
import type { RiskEngine } from '../risk/engine';
import type { AccountRow } from '../store/accounts';
import type { BlacklistRow, RiskDecisionRow, ReviewFlagRow } from '../store/risk';
import { sha256Hex } from './auth';
import type { Actor, ServiceContext } from './context';

export type Role = AccountRow['role'];
/** Roles given to staff accounts made from the command line. */
export const STAFF_ROLES: readonly Role[] = ['support', 'auditor', 'admin'];

const pageCursor = (cursor: string | undefined): number | null => {
  if (cursor === undefined || cursor === '') return null;
  const value = Number(cursor);
  if (!Number.isSafeInteger(value) || value < 0) fail('VALIDATION_FAILED', 'cursor is not one this API returned.', { field: 'cursor' });
  return value;
};
/** A cursor that is a row id (blacklist entries, review flags, AML reports page by id). */
const idCursor = (cursor: string | undefined): string | null => {
  if (cursor === undefined || cursor === '') return null;
  if (!/^[a-z]+_[-0-9A-Za-z_]{20}$/.test(cursor)) fail('VALIDATION_FAILED', 'cursor is not one this API returned.', { field: 'cursor' });
  return cursor;
};
const sinceOf = (since: string | undefined): number | undefined => (since === undefined ? undefined : Date.parse(since));

function decisionView(row: RiskDecisionRow): RiskDecision {
  return {
    id: String(row.id),
    rule: row.rule,
    outcome: row.outcome,
    reason: row.reason,
    action: row.action as RiskDecision['action'],
    accountId: row.account_id,
    deviceId: row.device_id,
    subject: row.subject,
    amount: row.amount,
    until: isoOrNull(row.until),
    createdAt: toIso(row.created_at),
  };
}

function blacklistView(row: BlacklistRow): BlacklistEntry {
  return { id: row.id, kind: row.kind, value: row.value, reason: row.reason, createdBy: row.created_by, createdAt: toIso(row.created_at), removedAt: isoOrNull(row.removed_at) };
}

function flagView(row: ReviewFlagRow): ReviewFlag {
  return {
    id: row.id,
    rule: row.rule,
    accountId: row.account_id,
    reason: row.reason,
    status: row.status,
    note: row.note,
    resolvedBy: row.resolved_by,
    resolvedAt: isoOrNull(row.resolved_at),
    createdAt: toIso(row.created_at),
  };
}

/**
 * Risk operations and staff accounts (SPEC sections 5, 6 and 11): what the risk engine decided,
 * the blacklist, review flags, AML reports, roles and staff sessions. Every change an operator
 * makes here is appended to the audit log in its own transaction.
 */
export class AdminService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly audit: AuditLog,
    private readonly risk: RiskEngine,
  ) {}

  async decisions(query: RiskDecisionsQuery): Promise<Page<RiskDecision>> {
    const limit = query.limit ?? 50;
    const rows = await this.risk.store.decisions({
      accountId: query.account,
      rule: query.rule,
      outcome: query.outcome,
      since: sinceOf(query.since),
      beforeId: pageCursor(query.cursor),
      limit: limit + 1,
    });
    return { data: rows.slice(0, limit).map(decisionView), nextCursor: rows.length > limit ? String(rows[limit - 1].id) : null };
  }

  /** Blacklists an account or device; blacklisting one already on the list returns its entry. */
  async addToBlacklist(actor: Actor, body: BlacklistBody): Promise<BlacklistEntry> {
    if (body.kind === 'account' && !(await this.ctx.stores.accounts.byId(body.value))) fail('VALIDATION_FAILED', `value ${body.value} is not a known account.`, { field: 'value' });
    return this.ctx.db.tx(async () => {
      const existing = await this.risk.store.activeBlacklistEntry(body.kind, body.value);
      if (existing) return blacklistView(existing);
      const now = this.ctx.clock.now();
      const row: BlacklistRow = { id: newId('bl'), kind: body.kind, value: body.value, reason: body.reason, created_by: actor.account.id, created_at: now, removed_by: null, removed_at: null };
      await this.risk.store.insertBlacklist(row);
      await this.record(actor, 'admin.blacklist.added', row.id, body.kind === 'account' ? [body.value] : [], { kind: body.kind, value: body.value, reason: body.reason });
      return blacklistView(row);
    });
  }

  /** Takes an entry off the blacklist; removing one already removed returns it unchanged. */
  async removeFromBlacklist(actor: Actor, id: string): Promise<BlacklistEntry> {
    return this.ctx.db.tx(async () => {
      const row = await this.risk.store.blacklistEntry(id);
      if (!row) return fail('NOT_FOUND', `No blacklist entry ${id}.`);
      if (await this.risk.store.removeBlacklist(id, actor.account.id, this.ctx.clock.now())) {
        await this.record(actor, 'admin.blacklist.removed', id, row.kind === 'account' ? [row.value] : [], { kind: row.kind, value: row.value });
      }
      return blacklistView((await this.risk.store.blacklistEntry(id))!);
    });
  }

  async blacklist(cursor: string | undefined, limit = 50): Promise<Page<BlacklistEntry>> {
    const rows = await this.risk.store.blacklist(limit + 1, idCursor(cursor));
    return { data: rows.slice(0, limit).map(blacklistView), nextCursor: rows.length > limit ? String(rows[limit - 1].position) : null };
  }

  async flags(status: ReviewFlagRow['status'] | undefined, cursor: string | undefined, limit = 50): Promise<Page<ReviewFlag>> {
    const rows = await this.risk.store.flags(status, idCursor(cursor), limit + 1);
    return { data: rows.slice(0, limit).map(flagView), nextCursor: rows.length > limit ? String(rows[limit - 1].position) : null };
  }

  /**
   * Resolves an open review flag: `cleared` lifts the restrictions it placed at once; `confirmed`
   * keeps them until they run out (blacklist the account to refuse it for good). A flag already
   * resolved is returned as it is.
   */
  async resolveFlag(actor: Actor, id: string, body: ResolveFlagBody): Promise<ReviewFlag> {
    return this.ctx.db.tx(async () => {
      const flag = await this.risk.store.flag(id);
      if (!flag) return fail('NOT_FOUND', `No review flag ${id}.`);
      const now = this.ctx.clock.now();
      if (await this.risk.store.resolveFlag(id, body.resolution, body.note ?? null, actor.account.id, now)) {
        const lifted = body.resolution === 'cleared' ? await this.risk.store.liftRestrictionsOfFlag(id, now) : 0;
        await this.record(actor, 'admin.flag.resolved', id, [flag.account_id], { resolution: body.resolution, note: body.note ?? null, liftedRestrictions: lifted });
      }
      return flagView((await this.risk.store.flag(id))!);
    });
  }

  async amlReports(query: Static<typeof AmlReportsQuery>) {
    const limit = query.limit ?? 50;
    const rows = await this.risk.store.amlReports(sinceOf(query.since) ?? null, idCursor(query.cursor), limit + 1);
    return {
      data: rows.slice(0, limit).map((row) => ({ id: row.id, accountId: row.account_id, action: row.action, reference: row.reference, amount: row.amount, createdAt: toIso(row.created_at) })),
      nextCursor: rows.length > limit ? String(rows[limit - 1].position) : null,
    };
  }

  /** Gives an account a role (CLI `role grant`); `by` is null for the command line. */
  async grantRole(accountId: string, role: Role, by: string | null = null): Promise<AccountRow> {
    return this.ctx.db.tx(async () => {
      const account = await this.ctx.stores.accounts.byId(accountId);
      if (!account) return fail('NOT_FOUND', `No account ${accountId}.`);
      if (role === 'merchant' && account.kind !== 'merchant') fail('VALIDATION_FAILED', 'The merchant role belongs to merchant accounts (merchant create).', { field: 'role' });
      if (account.kind === 'merchant' && role !== 'merchant') fail('VALIDATION_FAILED', 'A merchant account keeps the merchant role; create a staff user instead.', { field: 'role' });
      await this.ctx.stores.accounts.setRole(accountId, role);
      await this.audit.append({ type: 'admin.role.granted', actorId: by, subjectId: accountId, accountIds: [accountId], amount: 0, data: { from: account.role, role }, at: this.ctx.clock.now() });
      return { ...account, role };
    });
  }

  /** Creates a staff account (CLI `user create`) and a session token for it. */
  async createStaffUser(name: string, role: Role): Promise<{ account: AccountRow; token: string; expiresAt: number }> {
    if (!STAFF_ROLES.includes(role) && role !== 'user') fail('VALIDATION_FAILED', `role must be one of user, ${STAFF_ROLES.join(', ')}.`, { field: 'role' });
    const now = this.ctx.clock.now();
    return this.ctx.db.tx(async () => {
      const account: AccountRow = {
        id: newId('acc'),
        kind: 'user',
        name,
        tier: 'personal',
        role,
        openid: null,
        region: null,
        fee_rate_bps: null,
        code_ttl_seconds: null,
        single_limit: null,
        daily_limit: null,
        created_at: now,
      };
      await this.ctx.stores.accounts.insert(account);
      await this.audit.append({ type: 'admin.user.created', actorId: null, subjectId: account.id, accountIds: [account.id], amount: 0, data: { name, role }, at: now });
      return { account, ...(await this.issueSession(account.id)) };
    });
  }

  /** A fresh session token for an existing account (CLI `user token`), e.g. a staff member's next one. */
  async issueSession(accountId: string): Promise<{ token: string; expiresAt: number }> {
    const now = this.ctx.clock.now();
    return this.ctx.db.tx(async () => {
      if (!(await this.ctx.stores.accounts.byId(accountId))) fail('NOT_FOUND', `No account ${accountId}.`);
      const token = `hbs_${randomBytes(24).toString('base64url')}`;
      const expiresAt = now + this.ctx.config.sessionTtlSeconds * 1000;
      await this.ctx.stores.accounts.insertSession({ token_hash: sha256Hex(token), account_id: accountId, device_id: null, expires_at: expiresAt, created_at: now });
      await this.audit.append({ type: 'admin.session.issued', actorId: null, subjectId: accountId, accountIds: [accountId], amount: 0, data: {}, at: now });
      return { token, expiresAt };
    });
  }

  private async record(actor: Actor, type: string, subjectId: string, accountIds: string[], data: Record<string, unknown>): Promise<void> {
    await this.audit.append({ type, actorId: actor.account.id, subjectId, accountIds, amount: 0, data, at: this.ctx.clock.now() });
  }
}
