/**
 * examples/merchant-campaign, run against a real server with its webhook worker, as a developer
 * would run it. The settlement is done by moving the server's clock to 00:31 the next day.
 */
import { main } from '../../../examples/merchant-campaign/src/main';
import { startServer, type LiveServer } from './helpers';

let server: LiveServer;
let offset = 0;
beforeAll(async () => {
  server = await startServer({ now: () => Date.now() + offset });
  server.t.app.hongbao.services.webhookDispatcher.start(100);
});
afterAll(async () => {
  await server.t.app.hongbao.services.webhookDispatcher.stop();
  await server.close();
});
afterEach(() => server.t.checkInvariants());

describe('examples/merchant-campaign', () => {
  it('runs a campaign from CSV, keeps the ERP in sync by webhooks and prints the next day’s statement', async () => {
    const lines: string[] = [];
    let drawn = '';
    const result = await main(server.baseURL, {
      log: (line) => lines.push(line),
      progress: (text) => (drawn += text),
      settle: async (day) => {
        const nextDay = Date.parse(`${day}T00:31:00+08:00`) + 86_400_000;
        offset = nextDay - Date.now();
        try {
          server.t.app.hongbao.services.settlements.settleDay(day);
          await server.t.database.flush();
        } finally {
          offset = 0;
        }
      },
    });
    expect(result.batch).toMatchObject({ status: 'completed', total: 5, succeeded: 5 });
    expect(drawn).toContain('[####################] 5/5');
    // The ERP applied every claim and the payment once, and matches the server's numbers.
    expect(result.erp.claims).toBe(12);
    expect([...result.erp.claimedByPacket.values()].reduce((a, b) => a + b, 0)).toBe(result.stats.claimedAmount);
    expect(result.erp.receivedAtCounter).toBe(2_888);
    expect(result.erp.rejected).toBe(0);
    expect(result.stats).toMatchObject({ issuedPackets: 5, issuedShares: 29, claimedShares: 12 });
    expect(result.settlement).toMatchObject({ gross: 2_888, fees: 14, refunds: 0, net: 2_874 });
    expect(result.statement).toContain('TOTAL,,,,2888,14,0,2874');
    // settlement.completed is queued for the ERP too, but at the moved clock's time (tomorrow), so
    // this run does not wait for it; webhooks.test.ts in the server covers its delivery.
    expect(lines.join('\n')).toContain('Settlement of');
  }, 60_000);
});
