import { EventEmitter } from 'node:events';

/**
 * Wakes long-polls when a resource's version changes. In-process today; a multi-instance
 * deployment relays the same notifications through PostgreSQL LISTEN/NOTIFY.
 */
export class ChangeBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(key: string): void {
    this.emitter.emit(key);
  }

  /** Resolves at the next change of `key`, or after `ms`, or when `signal` aborts. */
  waitForChange(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(key, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emitter.once(key, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
