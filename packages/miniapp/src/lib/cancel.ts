/**
 * A cancel signal that works where `AbortController` does not exist (WeChat mini-programs). It has
 * the shape of an `AbortSignal`, which is all the SDK asks of a signal.
 */
export class Cancel {
  aborted = false;
  private readonly listeners = new Set<() => void>();

  cancel(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) listener();
    else this.listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.delete(listener);
  }
}

/** Resolves after `ms`, or at once when `signal` fires. */
export function pause(ms: number, signal: Cancel): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
