/**
 * The claim page: logs in with the development provider, resolves the code in `?token=` (or a
 * pasted `/c/<token>` link) to show the packet's cover, and claims a share when "開" is pressed.
 *
 * `?api=<base URL>` points it at another server; by default it calls the origin that served it
 * (the API server sends no CORS headers, so host the page on the API's origin or behind a proxy
 * that forwards `/v1` to it).
 */
import { Hongbao, formatFen, isAPIError, type Claim, type ResolvedCode } from '@hongbao/sdk';

/** Chinese first, English after, for the outcomes a claimer can meet. */
const MESSAGES: Record<string, [string, string]> = {
  ALREADY_CLAIMED: ['你已经领过这个红包了', 'You have already claimed this packet.'],
  PACKET_EXHAUSTED: ['手慢了，红包派完了', 'All shares have been claimed.'],
  PACKET_EXPIRED: ['红包已过期', 'This packet has expired.'],
  CODE_EXPIRED: ['红包码已过期，请让对方刷新后重新扫码', 'This code has expired; ask for a fresh one.'],
  CODE_INVALID: ['无效的红包码', 'This code is not valid.'],
  CODE_REVOKED: ['红包码已被撤销', 'This code has been revoked.'],
  CODE_FROZEN: ['红包码已冻结，等待审核', 'This code is frozen pending review.'],
  NOT_FOUND: ['找不到这个红包', 'Packet not found.'],
  NOT_RECIPIENT: ['这是发给别人的专属红包', 'This packet is for someone else.'],
  OUT_OF_AREA: ['不在红包码的可用范围内', 'You are outside the area where this code works.'],
  RISK_BLOCKED: ['操作存在风险，已被拦截', 'Blocked by risk control.'],
  DEVICE_ACCOUNT_LIMIT: ['该设备登录的账号过多', 'Too many accounts on this device.'],
  RATE_LIMITED: ['操作太频繁，请稍后再试', 'Too many requests; retry later.'],
  UNAUTHENTICATED: ['登录已失效，请刷新页面', 'Your session expired; reload the page.'],
  CONNECTION_ERROR: ['网络连接失败，请检查网络后重试', 'Could not reach the server.'],
  TIMEOUT: ['网络超时，请重试', 'The request timed out.'],
};
const FALLBACK: [string, string] = ['出错了，请稍后再试', 'Something went wrong; try again later.'];

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const baseURL = params.get('api') ?? location.origin;
/**
 * `?token=`, or the server's own `/c/<token>` redirect when this page is its H5 directory
 * (`/#/pages/claim/index?token=…`).
 */
const scannedToken = params.get('token') ?? new URLSearchParams(location.hash.split('?')[1] ?? '').get('token');

function show(id: string, visible: boolean): void {
  $(id).hidden = !visible;
}

function setStatus(text: string): void {
  $('status').textContent = text;
  show('status', text !== '');
}

/** Shows an error by its code, Chinese first, with the English and the code in small print. */
function showError(error: unknown): void {
  const code = isAPIError(error) ? error.code : 'UNKNOWN';
  if (!isAPIError(error)) console.error(error);
  notice(code, ...(MESSAGES[code] ?? FALLBACK));
}

function notice(code: string, zh: string, en: string): void {
  const box = $('error');
  box.dataset.code = code;
  box.textContent = zh;
  const small = document.createElement('small');
  small.textContent = `${en} (${code})`;
  box.append(small);
  show('error', true);
}

function showAmount(claim: Claim, title: string): void {
  $('result-title').textContent = title;
  $('amount').textContent = formatFen(claim.amount);
  $('amount').dataset.fen = String(claim.amount);
  show('cover', false);
  show('result', true);
}

/** A stable dev identity for this browser, so reloading the page is the same user. */
function devOpenid(): string {
  let openid = localStorage.getItem('hongbao-h5-openid');
  if (!openid) {
    openid = `h5-${Math.random().toString(36).slice(2, 10)}`;
    localStorage.setItem('hongbao-h5-openid', openid);
  }
  return openid;
}

async function login(): Promise<Hongbao> {
  const anonymous = new Hongbao({ baseURL, adapter: 'fetch' });
  const openid = devOpenid();
  const session = await anonymous.sessions.create({ provider: 'dev', openid, deviceId: `browser-${openid}` });
  return anonymous.withOptions({ auth: session.token });
}

function showCover(client: Hongbao, tokenOrUrl: string, resolved: ResolvedCode): void {
  const packet = resolved.packet;
  if (!packet) {
    // A collect code 收款码: this page only claims red packets.
    notice('NOT_A_PACKET', '这是收款码，不是红包码', 'This is a collect code, not a red packet.');
    return;
  }
  $('sender').textContent = packet.senderName;
  $('message').textContent = packet.message || '恭喜发财，大吉大利';
  $('progress').textContent = `已领取 ${packet.claimedCount}/${packet.count}`;
  show('cover', true);

  const open = $<HTMLButtonElement>('open');
  open.onclick = async () => {
    open.disabled = true;
    show('error', false);
    try {
      // A pasted /c/<token> URL goes as `url`, a bare token as `token`: the server accepts either.
      const params = tokenOrUrl.includes('/c/') ? { url: tokenOrUrl } : { token: tokenOrUrl };
      const { claim } = await client.claims.create(params);
      showAmount(claim, `${packet.senderName} 的红包`);
    } catch (error) {
      open.disabled = false;
      showError(error);
      // ALREADY_CLAIMED carries the earlier claim: show what was received then.
      const earlier = isAPIError(error) ? (error.error?.claim as Claim | undefined) : undefined;
      if (isAPIError(error) && error.code === 'ALREADY_CLAIMED' && earlier) showAmount(earlier, '你已领取 Already claimed');
    }
  };
}

async function openCode(client: Hongbao, tokenOrUrl: string): Promise<void> {
  show('error', false);
  show('result', false);
  show('cover', false);
  setStatus('正在查询红包… Looking it up…');
  try {
    const resolved = await client.codes.resolve(tokenOrUrl);
    setStatus('');
    showCover(client, tokenOrUrl, resolved);
  } catch (error) {
    setStatus('');
    showError(error);
  }
}

async function start(): Promise<void> {
  let client: Hongbao;
  try {
    client = await login();
  } catch (error) {
    setStatus('');
    showError(error);
    return;
  }
  $('paste').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $<HTMLInputElement>('code-input').value.trim();
    if (text) void openCode(client, text);
  });
  if (scannedToken) await openCode(client, scannedToken);
  else setStatus('扫码后打开链接，或在上方粘贴红包链接 Open a scanned link, or paste one above');
  document.body.dataset.ready = 'true';
}

void start();
