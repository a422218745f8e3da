import type { CodeService } from './codes';
import type { ServiceContext } from './context';
import type { LimitService } from './limits';

export class PaymentService {
  constructor(readonly ctx: ServiceContext, readonly limits: LimitService, readonly codes: CodeService) {}
}
