import type { ServiceContext } from './context';
import type { LimitService } from './limits';

export class PacketService {
  constructor(readonly ctx: ServiceContext, readonly limits: LimitService) {}
}
