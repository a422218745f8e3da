import { EventEmitter } from 'node:events';

/**
 * Wakes long-polls when a resource's version changes. Within one process it is an event emitter;
 * with many instances on PostgreSQL, `relay` forwards every notification to the others (through
 * LISTEN/NOTIFY, see store/open.ts), which `receive` them.
 */
export class ChangeBus {
  private readonly emitter = new EventEmitter();
  private relay: ((key: string) => void) | null = null;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Sends every later `notify` to other instances as well. */
  relayTo(publish: (key: string) => void): void {
    this.relay = publish;
  }

  notify(key: string): void {
    this.emitter.emit(key);
    this.relay?.(key);
  }

  /** A notification from another instance: wakes this one's waiters only. */
  receive(key: string): void {
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
