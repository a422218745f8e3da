import type { Sqlite } from './database';

/** A row of `codes` (see migrations.ts). `geofence` is JSON `{lat, lng, radiusMeters}` or null. */
export interface CodeRow {
  id: string;
  kind: 'claim' | 'collect';
  owner_id: string;
  packet_id: string | null;
  status: 'active' | 'revoked' | 'frozen';
  version: number;
  fixed_amount: number | null;
  scene: string | null;
  title: string | null;
  geofence: string | null;
  ttl_seconds: number;
  scheme: string;
  same_amount_streak: number;
  last_amount: number | null;
  created_at: number;
}

export class CodeStore {
  constructor(readonly db: Sqlite) {}
}
