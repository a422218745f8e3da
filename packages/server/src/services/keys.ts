import type { ServiceContext } from './context';

export class KeyService {
  constructor(readonly ctx: ServiceContext) {}
  ensureKeys(): void {}
  publicKeys(): Array<{ kid: number; scheme: string; publicKey: string }> {
    return [];
  }
}
