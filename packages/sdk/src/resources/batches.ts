import { PollTimeoutError } from '../core/errors';
import { APIResource } from '../core/resource';
import { throwIfAborted, type AbortSignalLike } from '../core/signal';
import type { RequestOptions } from '../core/transport';
import type { Batch, BatchItem, CreateBatchParams, Page, PageParams } from '../types';

/** Options of `batches.poll` and `batches.createAndPoll`. */
export interface BatchPollOptions {
  /** Called with the batch after every check, to show progress (`succeeded + failed` of `total`). */
  onProgress?: (batch: Batch) => void;
  /** Pause between checks. @default 1000 */
  intervalMs?: number;
  /** Overall deadline; then the poll rejects with `PollTimeoutError`. @default 600000 (10 minutes) */
  timeoutMs?: number;
  signal?: AbortSignalLike;
}

/** Batch issuance (`/v1/batches`; provider tier, full API). */
export class Batches extends APIResource {
  /**
   * Starts issuing up to 10,000 packets or collect codes in the background; resolves at once with
   * the running batch. Items are validated first: one bad item refuses the whole batch. Pass an
   * `idempotencyKey` of your own (say, the campaign id) to make a retry across restarts safe.
   */
  async create(params: CreateBatchParams, options?: RequestOptions): Promise<Batch> {
    return (await this.transport.request<{ batch: Batch }>({ method: 'POST', path: '/v1/batches', body: params, options })).batch;
  }

  /** A batch and its progress. */
  async retrieve(id: string, options?: RequestOptions): Promise<Batch> {
    return (await this.transport.request<{ batch: Batch }>({ method: 'GET', path: `/v1/batches/${APIResource.id(id)}`, options })).batch;
  }

  /** The batch's items in request order: each one's `resultId` (packet or code id) or error. */
  items(id: string, params: PageParams = {}, options?: RequestOptions): Promise<Page<BatchItem>> {
    return this.transport.request({ method: 'GET', path: `/v1/batches/${APIResource.id(id)}/items`, query: { ...params }, options });
  }

  /**
   * Checks the batch every `intervalMs` (sleeping between checks) until it is `completed`, and
   * resolves with it; items that failed do not make it throw: look at `failed` and `items()`.
   * Rejects with `PollTimeoutError` (carrying the last batch seen) at `timeoutMs`, with
   * `APIUserAbortError` when `signal` aborts, and with the API error when the batch cannot be read.
   */
  async poll(id: string, options: BatchPollOptions = {}): Promise<Batch> {
    const { onProgress, intervalMs = 1000, timeoutMs = 600_000, signal } = options;
    const clock = this.transport.clock;
    const deadline = clock.now() + timeoutMs;
    for (;;) {
      throwIfAborted(signal);
      const batch = await this.retrieve(id, { signal });
      onProgress?.(batch);
      if (batch.status === 'completed') return batch;
      if (clock.now() + intervalMs > deadline) throw new PollTimeoutError(`Batch ${id} was not completed after ${timeoutMs} ms.`, batch);
      await clock.sleep(intervalMs, signal);
    }
  }

  /**
   * `create`, then `poll` until the batch is completed, reporting progress.
   *
   * @example
   * const batch = await merchant.batches.createAndPoll({ type: 'packets', csv }, {
   *   onProgress: (b) => console.log(`${b.succeeded + b.failed}/${b.total}`),
   * });
   */
  async createAndPoll(params: CreateBatchParams, options: BatchPollOptions & { request?: RequestOptions } = {}): Promise<Batch> {
    const batch = await this.create(params, { signal: options.signal, ...options.request });
    return this.poll(batch.id, options);
  }
}
