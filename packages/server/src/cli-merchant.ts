import { formatFen } from '@hongbao/protocol';
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { buildApp } from './app';
import type { Config } from './config';
import { fail } from './errors';
import type { Services } from './services';
import type { Actor, ServiceContext } from './services/context';

/** What the merchant-operations commands need from the CLI around them. */
export interface MerchantCliContext {
  out(line: string): void;
  /** Progress output (the batch bar); stderr, so stdout stays parseable. */
  progress(text: string): void;
  configFrom(flags: { db?: string; config?: string }): Config;
  dbOption(): Option;
  configOption(): Option;
  setExitCode(code: number): void;
}

/** `[#########---------]  45%  4500/10000` */
export function progressBar(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(width * share);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done}/${total}`;
}

/** Opens the configured database through the app (no background workers), runs `work`, closes it. */
async function withApp<T>(context: MerchantCliContext, flags: { db?: string; config?: string }, work: (services: Services, ctx: ServiceContext) => Promise<T> | T): Promise<T> {
  const app = await buildApp({ config: { ...context.configFrom(flags), logLevel: 'silent', sweepIntervalMs: 0 } });
  try {
    return await work(app.hongbao.services, app.hongbao.ctx);
  } finally {
    await app.close();
  }
}

const money = (fen: number) => formatFen(fen);

/**
 * `settle`, `reconcile` and `batch create`: the operator's side of D+1 settlement and batch
 * issuance, run in-process against the database file (SQLite lets them share it with a running
 * server).
 */
export function registerMerchantCommands(program: Command, context: MerchantCliContext): void {
  const { out } = context;

  program
    .command('settle')
    .description('run the D+1 settlement of one business day (Asia/Shanghai) for every merchant; safe to rerun')
    .requiredOption('--date <YYYY-MM-DD>', 'business day, Asia/Shanghai; must be over')
    .addOption(context.dbOption())
    .addOption(context.configOption())
    .action(async (flags: { date: string; db?: string; config?: string }) => {
      await withApp(context, flags, async (services) => {
        const results = await services.settlements.settleDay(flags.date);
        if (results.length === 0) out(`No merchant received payments on ${flags.date}; nothing to settle.`);
        for (const { settlement: s, created } of results) {
          out(
            `${s.merchantId} ${s.day}: ${s.paymentCount} payments, gross ${money(s.gross)}, refunds ${money(s.refunds)}, fees ${money(s.fees)}, net ${money(s.net)}` +
              (created ? ` — settled (${s.id})` : ` — already settled (${s.id}), unchanged`),
          );
        }
        const check = await services.settlements.reconcile(flags.date);
        out(check.ok ? `Reconciled: ${check.settlements.length} statements equal the ledger.` : `Reconciliation FAILED:\n  ${check.problems.join('\n  ')}`);
        if (!check.ok) context.setExitCode(1);
      });
    });

  program
    .command('reconcile')
    .description('prove that every settlement statement of a business day equals the ledger; exits 1 otherwise')
    .requiredOption('--date <YYYY-MM-DD>', 'business day, Asia/Shanghai')
    .addOption(context.dbOption())
    .addOption(context.configOption())
    .action(async (flags: { date: string; db?: string; config?: string }) => {
      await withApp(context, flags, async (services) => {
        const check = await services.settlements.reconcile(flags.date);
        for (const s of check.settlements) out(`${s.merchantId} ${flags.date}: gross ${money(s.gross)}, refunds ${money(s.refunds)}, fees ${money(s.fees)}, net ${money(s.net)} (${s.id})`);
        if (check.ok) out(`OK: ${check.settlements.length} statement${check.settlements.length === 1 ? '' : 's'} of ${flags.date} equal the ledger.`);
        else {
          out(`MISMATCH on ${flags.date}:\n  ${check.problems.join('\n  ')}`);
          context.setExitCode(1);
        }
      });
    });

  const batch = program.command('batch').description('batch issuance (provider tier)');
  batch
    .command('create')
    .description('issue the packets (or collect codes) of a CSV file for a provider merchant, with a progress bar')
    .argument('<file>', 'CSV with a header row: mode,total,count,message,scene,expiresIn (or fixedAmount,scene,title,ttlSeconds for codes)')
    .requiredOption('--merchant <id>', 'the provider merchant: its account id or app id')
    .addOption(new Option('--type <type>', 'what each row creates').choices(['packets', 'collect-codes']).default('packets'))
    .addOption(context.dbOption())
    .addOption(context.configOption())
    .action(async (file: string, flags: { merchant: string; type: 'packets' | 'collect-codes'; db?: string; config?: string }) => {
      const csv = readFileSync(file, 'utf8');
      await withApp(context, flags, async (services, ctx) => {
        const { accounts } = ctx.stores;
        const appRow = await accounts.app(flags.merchant);
        const account = (await accounts.byId(flags.merchant)) ?? (appRow ? await accounts.byId(appRow.account_id) : undefined);
        if (!account) fail('NOT_FOUND', `No merchant with account id or app id ${flags.merchant}.`);
        const actor: Actor = { account: account!, via: 'app', appId: null, deviceId: null };
        const created = await services.batches.create(actor, { type: flags.type, csv });
        out(`Batch ${created.id}: ${created.total} ${flags.type}.`);
        let shown = -1;
        for (;;) {
          const now = await services.batches.get(actor, created.id);
          const done = now.succeeded + now.failed;
          if (done !== shown) context.progress(`\r${progressBar(done, now.total)}`);
          shown = done;
          if (now.status === 'completed') break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        context.progress('\n');
        const final = await services.batches.get(actor, created.id);
        out(`Completed: ${final.succeeded} created, ${final.failed} failed.${final.failed > 0 ? ` See GET /v1/batches/${final.id}/items for the reasons.` : ''}`);
        if (final.failed > 0) context.setExitCode(1);
      });
    });
}
