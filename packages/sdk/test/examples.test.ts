/**
 * The examples, run against a real server as a developer would run them.
 */
import { main as merchantBasic } from '../../../examples/merchant-basic/src/main';
import { main as nodeQuickstart } from '../../../examples/node-quickstart/src/main';
import { startServer, type LiveServer } from './helpers';

let server: LiveServer;
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => server.t.checkInvariants());
afterAll(() => server.close());

describe('examples/node-quickstart', () => {
  it('sends a random packet, prints its QR code and sees every friend claim it', async () => {
    const lines: string[] = [];
    const result = await nodeQuickstart(server.baseURL, { log: (line) => lines.push(line) });
    expect(result.packet).toMatchObject({ status: 'finished', claimedCount: 3, claimedAmount: 888 });
    expect(result.claims.reduce((sum, claim) => sum + claim.amount, 0)).toBe(888);
    expect(result.fair).toBe(true);
    expect(result.url.startsWith(`${server.baseURL}/c/`)).toBe(true);
    const output = lines.join('\n');
    expect(output).toMatch(/[▀▄█]{10,}/);
    expect(output).toContain('Balance: ¥100.00');
    expect(output).toContain('手气最佳');
  }, 30_000);
});

describe('examples/merchant-basic', () => {
  it('creates a campaign and a counter code with signed requests, and hears the counter payment', async () => {
    const lines: string[] = [];
    const result = await merchantBasic(server.baseURL, { log: (line) => lines.push(line) });
    expect(result.campaign).toMatchObject({ total: 50_000, count: 200, scene: 'marketing' });
    expect(result.campaignCode.packetId).toBe(result.campaign.id);
    expect(result.counterCode).toMatchObject({ kind: 'collect', fixedAmount: 1_880 });
    expect(result.payment).toMatchObject({ amount: 1_880, codeId: result.counterCode.id });
    expect(lines.join('\n')).toContain('LIMIT_SINGLE_EXCEEDED');
  }, 30_000);

  it('funds the campaign once when run twice with the same credentials', async () => {
    const credentials = await server.client().dev.merchants.create({ tier: 'enterprise', name: 'Twice' });
    const first = await merchantBasic(server.baseURL, { credentials, log: () => undefined });
    const second = await merchantBasic(server.baseURL, { credentials, log: () => undefined });
    expect(second.campaign.id).toBe(first.campaign.id);
  }, 30_000);
});
