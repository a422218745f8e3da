import type { ServiceContext } from './context';

export class RefundSweeper {
  constructor(readonly ctx: ServiceContext) {}
}
