import type { Transport } from './transport';

/** Base of every resource: the client's transport, through which each method sends one request. */
export abstract class APIResource {
  constructor(protected readonly transport: Transport) {}

  /** `encodeURIComponent` for an id placed in a path. */
  protected static id(value: string): string {
    return encodeURIComponent(value);
  }
}
