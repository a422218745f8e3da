import {
  BATCH_MAX_ITEMS,
  CreateCollectCodeBody,
  CreatePacketBody,
  type Batch,
  type BatchItem,
  type CreateBatchBody,
  type Page,
  type PageQuery,
} from '@hongbao/protocol';
import type { ValidateFunction } from 'ajv';
import { isoOrNull, toIso } from '../clock';
import { parseCsv } from '../domain/csv';
import { AppError, fail } from '../errors';
import { describe, fieldOf, validatorCompiler } from '../http/validation';
import { newId } from '../ids';
import type { BatchItemRow, BatchRow } from '../store/batches';
import type { CodeService } from './codes';
import type { Actor, ServiceContext } from './context';
import { numericCursor, requireTier } from './merchant-access';
import type { PacketService } from './packets';

type BatchType = CreateBatchBody['type'];

const compile = (schema: object, url: string) => validatorCompiler({ schema, method: 'POST', url, httpPart: 'body' }) as unknown as ValidateFunction;
/** Each item is validated exactly as the single-item endpoint validates its body. */
const ITEM_VALIDATORS: Record<BatchType, ValidateFunction> = {
  packets: compile(CreatePacketBody, '/v1/packets'),
  'collect-codes': compile(CreateCollectCodeBody, '/v1/collect-codes'),
};
/** CSV columns holding whole numbers; every other column is text. */
const NUMERIC_COLUMNS: Record<BatchType, ReadonlySet<string>> = {
  packets: new Set(['total', 'count', 'expiresIn']),
  'collect-codes': new Set(['fixedAmount', 'ttlSeconds']),
};

export function batchView(row: BatchRow): Batch {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    total: row.total,
    succeeded: row.succeeded,
    failed: row.failed,
    createdAt: toIso(row.created_at),
    completedAt: isoOrNull(row.completed_at),
  };
}

function itemView(row: BatchItemRow): BatchItem {
  return {
    seq: row.seq,
    status: row.status,
    resultId: row.result_id,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
  };
}

/** CSV text as item objects: a header row of field names, then one item per row. */
function itemsFromCsv(type: BatchType, csv: string): Array<Record<string, unknown>> {
  let rows: string[][];
  try {
    rows = parseCsv(csv);
  } catch (error) {
    return fail('VALIDATION_FAILED', `csv ${(error as Error).message}.`, { field: 'csv' });
  }
  const [header, ...body] = rows;
  if (!header || body.length === 0) fail('VALIDATION_FAILED', 'csv needs a header row naming the fields, then at least one row.', { field: 'csv' });
  if (body.length > BATCH_MAX_ITEMS) fail('VALIDATION_FAILED', `csv has ${body.length} rows; a batch holds at most ${BATCH_MAX_ITEMS}.`, { field: 'csv' });
  const columns = header.map((name) => name.trim());
  return body.map((cells, index) => {
    if (cells.length !== columns.length) fail('VALIDATION_FAILED', `csv row ${index + 2} has ${cells.length} fields; the header has ${columns.length}.`, { field: 'csv' });
    const item: Record<string, unknown> = {};
    columns.forEach((column, at) => {
      const cell = cells[at].trim();
      if (cell === '') return;
      item[column] = NUMERIC_COLUMNS[type].has(column) && /^-?\d+$/.test(cell) ? Number(cell) : cell;
    });
    return item;
  });
}

/**
 * Batch issuance (provider tier, full API): up to 10,000 packets or collect codes from one
 * request, as JSON items or CSV. Every item is validated up front, so a batch is accepted whole or
 * refused whole; then a `BatchRunner` works through it in the background.
 *
 * Each item is done in one transaction together with recording its outcome on the item row, and
 * only while the row is still pending. So an item's effect exists exactly when its row says so: a
 * restart, a second runner or a crash between items can neither lose nor repeat one.
 */
export class BatchService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly packets: PacketService,
    private readonly codes: CodeService,
    private readonly onCreated: () => void = () => undefined,
  ) {}

  async create(actor: Actor, body: CreateBatchBody): Promise<Batch> {
    requireTier(actor, ['provider'], 'Batch issuance');
    if ((body.items === undefined) === (body.csv === undefined)) fail('VALIDATION_FAILED', 'Send exactly one of items (JSON) or csv (text).', { field: body.items ? 'csv' : 'items' });
    const items = body.items ?? itemsFromCsv(body.type, body.csv!);
    const validate = ITEM_VALIDATORS[body.type];
    items.forEach((item, index) => {
      if (!validate(item)) {
        const error = validate.errors![0];
        const where = body.items ? `items.${index}` : `csv row ${index + 2}`;
        const field = fieldOf(error, 'item');
        fail('VALIDATION_FAILED', describe(error, field === 'item' ? where : `${where}: ${field}`), { field: body.items ? `items.${index}${field === 'item' ? '' : `.${field}`}` : 'csv' });
      }
    });
    const row: BatchRow = {
      id: newId('bat'),
      account_id: actor.account.id,
      type: body.type,
      status: 'running',
      total: items.length,
      succeeded: 0,
      failed: 0,
      created_at: this.ctx.clock.now(),
      completed_at: null,
    };
    await this.ctx.db.tx(async () => {
      await this.ctx.stores.batches.insert(row, items.map((item) => JSON.stringify(item)));
      this.ctx.db.onCommit(this.onCreated);
    });
    return batchView(row);
  }

  async get(actor: Actor, id: string): Promise<Batch> {
    return batchView(await this.owned(actor, id));
  }

  async items(actor: Actor, id: string, query: PageQuery): Promise<Page<BatchItem>> {
    await this.owned(actor, id);
    const limit = query.limit ?? 20;
    const rows = await this.ctx.stores.batches.items(id, numericCursor(query.cursor) ?? -1, limit + 1);
    return { data: rows.slice(0, limit).map(itemView), nextCursor: rows.length > limit ? String(rows[limit - 1].seq) : null };
  }

  /**
   * Does one pending item and records the outcome, atomically. A business refusal (insufficient
   * funds, a limit) fails the item, not the batch. Returns the batch after, or null when the item
   * was no longer pending.
   */
  async runItem(batch: BatchRow, item: BatchItemRow): Promise<BatchRow | null> {
    const account = (await this.ctx.stores.accounts.byId(batch.account_id))!;
    const actor: Actor = { account, via: 'app', appId: null, deviceId: null };
    const input = JSON.parse(item.input) as Record<string, unknown>;
    const now = () => this.ctx.clock.now();
    try {
      return await this.ctx.db.tx(async () => {
        const resultId = await this.issue(actor, batch.type, input);
        const after = await this.ctx.stores.batches.settleItem(batch.id, item.seq, { resultId }, now());
        if (!after) throw new ItemTaken();
        return after;
      });
    } catch (error) {
      if (error instanceof ItemTaken) return null;
      if (!(error instanceof AppError)) throw error;
      return this.ctx.db.tx(() => this.ctx.stores.batches.settleItem(batch.id, item.seq, { code: error.code, message: error.message }, now()));
    }
  }

  private async issue(actor: Actor, type: BatchType, input: Record<string, unknown>): Promise<string> {
    if (type === 'packets') return (await this.packets.create(actor, input as CreatePacketBody)).id;
    const publicBase = this.ctx.config.publicUrl ?? `http://${this.ctx.config.host}:${this.ctx.config.port}`;
    return (await this.codes.createCollectCode(actor, input as CreateCollectCodeBody, publicBase)).id;
  }

  private async owned(actor: Actor, id: string): Promise<BatchRow> {
    requireTier(actor, ['provider'], 'Batch issuance');
    const row = await this.ctx.stores.batches.byId(id);
    if (!row || row.account_id !== actor.account.id) return fail('NOT_FOUND', `No batch ${id}.`);
    return row;
  }
}

/** Thrown inside an item's transaction to undo it when another runner has already done the item. */
class ItemTaken extends Error {}

export interface RunOptions {
  /** Called after each item's outcome is recorded (tests use it to stop half-way). */
  afterEach?: (batch: BatchRow) => void;
}

/**
 * Works through running batches in the background, oldest first, item by item, yielding to the
 * event loop between small groups of items so requests keep being served. `kick()` starts it (the
 * server does at start to resume unfinished batches, and each new batch does); `stop()` ends it
 * after the item in progress.
 */
export class BatchRunner {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly ctx: ServiceContext, private readonly batches: BatchService, private readonly options: RunOptions = {}) {}

  /** Starts working, or makes the current run look for new batches when it ends. */
  kick(onError: (error: unknown) => void = (error) => console.error('batch run failed', error)): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.runAll();
      } while (this.again && !this.stopped);
    })()
      .catch(onError)
      .finally(() => {
        this.running = null;
      });
  }

  /** Resolves when there is nothing left to do (or the runner was stopped). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async runAll(): Promise<void> {
    for (const batch of await this.ctx.stores.batches.running()) {
      for (;;) {
        const items = await this.ctx.stores.batches.pendingItems(batch.id, 50);
        if (items.length === 0 || this.stopped) break;
        for (const item of items) {
          if (this.stopped) break;
          const after = await this.batches.runItem(batch, item);
          if (after) this.options.afterEach?.(after);
        }
        // Commit this group and let waiting requests in before the next.
        await this.ctx.db.flush();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (this.stopped) return;
    }
  }
}
