import type { Sqlite } from './database';

/** A row of `packets` (see migrations.ts). */
export interface PacketRow {
  id: string;
  sender_id: string;
  mode: 'random' | 'fixed' | 'exclusive';
  algorithm: 'double-mean' | 'line-cut' | 'fixed';
  total: number;
  count: number;
  message: string;
  scene: string;
  recipient_id: string | null;
  status: 'active' | 'finished' | 'expired' | 'refunded' | 'frozen';
  claimed_count: number;
  claimed_amount: number;
  refunded_amount: number;
  version: number;
  salt: string;
  commitment: string;
  luckiest_claim_id: string | null;
  escrow_account_id: string;
  created_at: number;
  expires_at: number;
  finished_at: number | null;
  refunded_at: number | null;
}

export class PacketStore {
  private readonly byIdStmt;
  constructor(readonly db: Sqlite) {
    this.byIdStmt = db.prepare('SELECT * FROM packets WHERE id = ?');
  }

  byId(id: string): PacketRow | undefined {
    return this.byIdStmt.get(id) as PacketRow | undefined;
  }
}
