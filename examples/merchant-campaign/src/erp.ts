/**
 * A stand-in for the merchant's ERP: a small HTTP server that receives Hongbao webhooks, verifies
 * each signature on the raw body, and applies each event to its own ledger exactly once (by
 * event id), whatever Hongbao retries or redelivers.
 */
import { constructEvent, isSignatureVerificationError, type WebhookEvent } from '@hongbao/sdk';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ErpLedger {
  /** Fen given out per packet, as the claims come in. */
  claimedByPacket: Map<string, number>;
  claims: number;
  /** Fen received at the counter, awaiting settlement. */
  receivedAtCounter: number;
  settled: Array<{ day: string; net: number }>;
  /** Event ids applied so far: a repeat is acknowledged and ignored. */
  applied: Set<string>;
  rejected: number;
}

export async function startErp(getSecret: () => string) {
  const ledger: ErpLedger = { claimedByPacket: new Map(), claims: 0, receivedAtCounter: 0, settled: [], applied: new Set(), rejected: 0 };
  const apply = (event: WebhookEvent<Record<string, any>>) => {
    if (ledger.applied.has(event.id)) return;
    ledger.applied.add(event.id);
    const { data } = event;
    if (event.type === 'packet.claimed') {
      ledger.claims++;
      ledger.claimedByPacket.set(data.packetId, (ledger.claimedByPacket.get(data.packetId) ?? 0) + data.amount);
    } else if (event.type === 'payment.received') ledger.receivedAtCounter += data.amount;
    else if (event.type === 'settlement.completed') ledger.settled.push({ day: data.day, net: data.net });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        apply(constructEvent(Buffer.concat(chunks), req.headers, getSecret()));
        res.statusCode = 204;
      } catch (error) {
        if (!isSignatureVerificationError(error)) throw error;
        ledger.rejected++;
        res.statusCode = 400;
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hongbao/webhooks`,
    ledger,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
