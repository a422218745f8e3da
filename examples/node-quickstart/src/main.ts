/**
 * Hongbao quickstart: log in (dev), top up the sandbox wallet, send a random red packet 拼手气红包,
 * show its claim code as a QR code in the terminal, and watch a few friends claim it.
 */
import { formatFen, Hongbao, verifyFairness, type Claim, type Packet } from '@hongbao/sdk';
import qrcode from 'qrcode-terminal';

export interface QuickstartOptions {
  /** Where to print. @default console.log */
  log?: (text: string) => void;
  /** How many simulated friends claim (the packet has that many shares). @default 3 */
  friends?: number;
}

export interface QuickstartResult {
  packet: Packet;
  claims: Claim[];
  /** The code URL the QR code holds. */
  url: string;
  /** Whether the revealed shares match the commitment published at creation. */
  fair: boolean;
}

/** Renders text as a QR code for a terminal. */
function qrCode(text: string): Promise<string> {
  return new Promise((resolve) => qrcode.generate(text, { small: true }, resolve));
}

export async function main(baseURL: string, { log = console.log, friends = 3 }: QuickstartOptions = {}): Promise<QuickstartResult> {
  const hongbao = new Hongbao({ baseURL });
  const run = Date.now().toString(36);

  // 1. Log in with the development provider and use the session token from now on.
  const session = await hongbao.sessions.create({ provider: 'dev', openid: `quickstart-${run}`, name: '小红' });
  const me = hongbao.withOptions({ auth: session.token });
  log(`Logged in as ${session.user.name} (${session.user.tier})`);

  // 2. Top up the sandbox wallet. Money is always integer fen: 10000 fen = ¥100.00.
  const wallet = await me.wallet.topup({ amount: 10_000 });
  log(`Balance: ${formatFen(wallet.balance)}`);

  // 3. Send a random packet: ¥8.88 split into one share per friend.
  const packet = await me.packets.create({ mode: 'random', total: 888, count: friends, message: '恭喜发财，大吉大利', scene: 'new-year' });
  log(`Packet ${packet.id}: ${formatFen(packet.total)} in ${packet.count} shares, commitment ${packet.commitment.slice(0, 16)}…`);

  // 4. Issue its claim code and show it: anyone who scans the QR code can claim a share.
  const code = await me.codes.issue(packet.id);
  log(await qrCode(code.url));
  log(`Scan or open: ${code.url}`);

  // 5. Wait for the packet to finish while friends claim it. poll() uses the server's long-poll.
  const finished = me.packets.poll(packet.id, { timeoutMs: 60_000 });
  const claims: Claim[] = [];
  for (let i = 1; i <= friends; i++) {
    const friendSession = await hongbao.sessions.create({ provider: 'dev', openid: `quickstart-${run}-friend-${i}`, name: `朋友${i}` });
    const friend = hongbao.withOptions({ auth: friendSession.token });
    const { claim } = await friend.claims.create({ url: code.url });
    claims.push(claim);
    log(`${claim.name} claimed ${formatFen(claim.amount)}`);
  }
  const done = await finished;
  log(`Packet ${done.status}: ${done.claimedCount}/${done.count} claimed, ${formatFen(done.claimedAmount)}; 手气最佳 ${done.luckiest?.name} with ${formatFen(done.luckiest?.amount ?? 0)}`);

  // 6. Check the split was fixed at creation: the revealed shares must match the commitment.
  const { salt, shares } = await me.packets.fairness(packet.id);
  const fair = verifyFairness(packet.commitment, salt, shares);
  log(`Shares ${shares.map(formatFen).join(' + ')} ${fair ? 'match' : 'DO NOT match'} the commitment`);

  return { packet: done, claims, url: code.url, fair };
}
