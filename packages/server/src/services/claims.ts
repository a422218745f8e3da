import type { CodeService } from './codes';
import type { ServiceContext } from './context';
import type { PacketService } from './packets';

export class ClaimService {
  constructor(readonly ctx: ServiceContext, readonly codes: CodeService, readonly packets: PacketService) {}
}
