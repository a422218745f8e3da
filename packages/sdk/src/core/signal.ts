/**
 * Cancellation without depending on `AbortController`, which WeChat mini-programs do not have:
 * the SDK accepts any object shaped like an `AbortSignal` and makes its own when it needs one.
 */
import { APIUserAbortError } from './errors';

/** A standard `AbortSignal`, or anything with the same `aborted` flag and `abort` event. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A signal the SDK fires itself, e.g. for the `stop()` of a stream. */
export class Stopper implements AbortSignalLike {
  aborted = false;
  private listeners = new Set<() => void>();

  /** Fires when `parent` does, so the caller's signal stops SDK-made work too. */
  constructor(parent?: AbortSignalLike) {
    if (!parent) return;
    if (parent.aborted) this.aborted = true;
    else parent.addEventListener('abort', () => this.stop());
  }

  stop(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.delete(listener);
  }
}

export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new APIUserAbortError();
}
