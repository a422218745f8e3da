import type { CodeRow } from '../store/codes';
import type { ServiceContext } from './context';
import type { KeyService } from './keys';

export class CodeService {
  constructor(readonly ctx: ServiceContext, readonly keys: KeyService) {}

  /**
   * Decodes and checks a displayed token inside the caller's transaction and returns its code.
   * Throws CODE_INVALID (tampered, unknown key, wrong kind), CODE_EXPIRED, CODE_REVOKED,
   * CODE_FROZEN, or OUT_OF_AREA when the code has a geofence and `location` is missing or outside.
   */
  verifyToken(_token: string, _kind: 'claim' | 'collect', _location?: { lat: number; lng: number }): CodeRow {
    throw new Error('not implemented yet');
  }
}
