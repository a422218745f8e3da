import { type Command, InvalidArgumentError, Option } from 'commander';
import { buildApp } from './app';
import { verifyChain } from './audit/chain';
import { toIso } from './clock';
import type { Config } from './config';
import { ALL_ROLES, type Role } from './http/roles';
import type { Services } from './services';
import { AuditStore } from './store/audit';
import { openDatabase } from './store/open';

/** What the audit and staff commands need from the CLI around them. */
export interface AuditCliContext {
  out(line: string): void;
  err(line: string): void;
  configFrom(flags: { db?: string; config?: string }): Config;
  dbOption(): Option;
  configOption(): Option;
  setExitCode(code: number): void;
}

type Flags = { db?: string; config?: string };

const dateFlag = (value: string): number => {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('--before must be a date such as 2023-01-01 or an ISO 8601 time.');
  return ms;
};

/** Opens the configured database through the app (so the audit log is attached), runs `work`, closes it. */
async function withServices<T>(context: AuditCliContext, flags: Flags, work: (services: Services) => Promise<T> | T): Promise<T> {
  const app = await buildApp({ config: { ...context.configFrom(flags), logLevel: 'silent', sweepIntervalMs: 0 } });
  try {
    return await work(app.hongbao.services);
  } finally {
    await app.close();
  }
}

/**
 * `audit verify`, `audit purge`, `role grant`, `user create` and `user token`: checking the
 * tamper-evident audit log, retention, and making the staff accounts (support, auditor, admin)
 * that the API itself never creates.
 */
export function registerAuditCommands(program: Command, context: AuditCliContext): void {
  const { out } = context;
  const roleOption = (description: string) => new Option('--role <role>', description).choices(ALL_ROLES as string[]).makeOptionMandatory();

  const audit = program.command('audit').description('audit log tools');
  audit
    .command('verify')
    .description('walk the audit hash chain; exit 1 naming the first altered, inserted or missing entry')
    .addOption(context.dbOption())
    .addOption(context.configOption())
    .action(async (flags: Flags) => {
      const config = context.configFrom(flags);
      // Read-only apart from migrations: verifying must not append to the log it checks.
      const database = openDatabase(config);
      try {
        await database.migrate();
        const store = new AuditStore(database);
        const checkpoint = await store.checkpoint();
        const result = verifyChain(await store.all(), checkpoint);
        if (!result.ok) {
          context.err(`Audit chain broken: ${result.message}`);
          context.setExitCode(1);
          return;
        }
        const from = checkpoint ? ` after the purge checkpoint #${checkpoint.seq}` : '';
        if (!result.head) out(`Audit chain intact: no entries${from}.`);
        else out(`Audit chain intact: ${result.entries} entries (#${result.first}–#${result.head.seq})${from}; head hash ${result.head.hash}.`);
        // PostgreSQL: entries committed but not linked yet (a running server links them within moments).
        const waiting = await store.pendingCount();
        if (waiting > 0) out(`${waiting} committed ${waiting === 1 ? 'entry is' : 'entries are'} waiting to be linked into the chain (not checked yet).`);
      } finally {
        await database.close();
      }
    });
  audit
    .command('purge')
    .description('remove entries older than the retention period (auditRetentionDays), keeping the chain verifiable')
    .option('--before <date>', 'remove entries written before this date; defaults to the start of the retention period', dateFlag)
    .addOption(context.dbOption())
    .addOption(context.configOption())
    .action(async (flags: Flags & { before?: number }) => {
      const { removed, throughSeq } = await withServices(context, flags, async (services) => {
        const before = flags.before ?? Date.now() - context.configFrom(flags).auditRetentionDays * 86_400_000;
        return { ...(await services.audit.purge(before, null)), before };
      });
      if (throughSeq === null) out('No audit entries are old enough to purge.');
      else out(`Purged ${removed} audit entries through #${throughSeq}; the chain now continues from that checkpoint.`);
    });

  program
    .command('role')
    .description('staff roles')
    .command('grant')
    .description('give an existing account a role (user, support, auditor, admin)')
    .requiredOption('--account <id>', 'account id')
    .addOption(roleOption('the role to give'))
    .addOption(context.dbOption())
    .addOption(context.configOption())
    .action(async (flags: Flags & { account: string; role: Role }) => {
      const account = await withServices(context, flags, (services) => services.admin.grantRole(flags.account, flags.role));
      out(`${account.id} (${account.name}) now has the ${account.role} role.`);
    });

  const user = program.command('user').description('staff accounts');
  user
    .command('create')
    .description('create a staff account and print its id and a session token as JSON')
    .addOption(roleOption('support, auditor or admin (user for a plain account)'))
    .requiredOption('--name <name>', 'display name')
    .addOption(context.dbOption())
    .addOption(context.configOption())
    .action(async (flags: Flags & { role: Role; name: string }) => {
      const created = await withServices(context, flags, (services) => services.admin.createStaffUser(flags.name, flags.role));
      out(JSON.stringify({ accountId: created.account.id, role: created.account.role, token: created.token, expiresAt: toIso(created.expiresAt) }, null, 2));
    });
  user
    .command('token')
    .description('print a fresh session token for an account as JSON')
    .requiredOption('--account <id>', 'account id')
    .addOption(context.dbOption())
    .addOption(context.configOption())
    .action(async (flags: Flags & { account: string }) => {
      const session = await withServices(context, flags, (services) => services.admin.issueSession(flags.account));
      out(JSON.stringify({ accountId: flags.account, token: session.token, expiresAt: toIso(session.expiresAt) }, null, 2));
    });
}
