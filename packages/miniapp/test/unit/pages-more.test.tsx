/**
 * @jest-environment jsdom
 *
 * Home, detail, collect and history pages, the moments (single-page) mode, exclusive recipients
 * and geofenced claims, in jsdom with Taro mocked and a scripted SDK client: what a user sees and
 * can do.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { APIError } from '@hongbao/sdk';
import { taroMock } from '../mocks/taro';

const never = () => new Promise<never>(() => undefined);
const client = {
  me: { retrieve: jest.fn() },
  wallet: { topup: jest.fn(), entries: jest.fn() },
  packets: { create: jest.fn(), list: jest.fn(), retrieve: jest.fn(), claims: jest.fn(), fairness: jest.fn() },
  codes: { resolve: jest.fn(), createCollect: jest.fn(), autoRefresh: jest.fn(), refresh: jest.fn(), revoke: jest.fn() },
  collectCodes: { retrieve: jest.fn(), payments: jest.fn(), onPayment: jest.fn() },
  claims: { create: jest.fn() },
  payments: { create: jest.fn() },
};
jest.mock('../../src/services/client', () => ({
  api: (call: (c: typeof client) => Promise<unknown>) => call(client),
  currentUser: () => ({ id: 'usr_a', name: '小明' }),
}));

// Imported after the mock so the pages get the fake client.
import Home from '../../src/pages/home';
import Detail from '../../src/pages/detail';
import Collect from '../../src/pages/collect';
import History from '../../src/pages/history';
import Claim from '../../src/pages/claim';
import Code from '../../src/pages/code';
import Send from '../../src/pages/send';
import Settings from '../../src/pages/settings';
import { settingsStore } from '../../src/services/settings';

jest.setTimeout(30_000);

const me = {
  user: { id: 'usr_a', kind: 'user', name: '小明', tier: 'personal', role: 'user', region: null, createdAt: '' },
  wallet: { accountId: 'usr_a', currency: 'CNY', balance: 12_345, pendingSettlement: 0 },
  usage: { singleLimit: 20_000, dailyLimit: 100_000, usedToday: 0, remainingToday: 100_000, businessDay: '2026-01-01' },
};
const packet = (fields: object = {}) => ({
  id: 'pkt_1', senderId: 'usr_a', senderName: '小明', mode: 'random', algorithm: 'double-mean', total: 1000, count: 3, message: '新年快乐', scene: 'general',
  recipientId: null, status: 'active', claimedCount: 0, claimedAmount: 0, refundedAmount: 0, version: 1, commitment: 'c', luckiest: null,
  createdAt: '2026-01-01T08:00:00Z', expiresAt: '2026-01-02T08:00:00Z', finishedAt: null, refundedAt: null, ...fields,
});
const payment = (fields: object = {}) => ({ id: 'pay_1', codeId: 'col_1', payerId: 'usr_p', payerName: '王*', payeeId: 'usr_a', amount: 888, fee: 0, message: '恭喜发财', status: 'completed', createdAt: '2026-01-01T09:00:00Z', ...fields });
const apiError = (status: number, code: string, extra: object = {}) => APIError.from(status, { error: { code, message: code, requestId: 'r', ...extra } });
const collectCode = { id: 'col_1', kind: 'collect', url: 'http://127.0.0.1:1/c/CollectToken123', token: 'CollectToken123', refreshAt: new Date(Date.now() + 60_000).toISOString(), expiresAt: '' };

beforeEach(() => {
  taroMock.reset();
  jest.clearAllMocks();
  settingsStore.update({ lang: 'zh', largeText: false, voice: true });
  client.me.retrieve.mockResolvedValue(me);
  client.codes.autoRefresh.mockReturnValue({ stop: () => undefined, done: never() });
});
afterEach(() => {
  cleanup();
  delete (process.env as Record<string, string | undefined>).TARO_ENV;
});

describe('home page', () => {
  test('shows the balance and opens send, collect, history and settings', async () => {
    render(<Home />);
    expect(await screen.findByText('¥123.45')).toBeTruthy();
    expect(screen.getByText('你好，小明')).toBeTruthy();
    for (const label of ['发红包', '收款码', '账单记录', '设置']) fireEvent.click(screen.getByLabelText(label));
    expect(taroMock.navigations.map((n) => n.url)).toEqual(['/pages/send/index', '/pages/collect/index', '/pages/history/index', '/pages/settings/index']);
  });

  test('tops up in development and announces it', async () => {
    client.wallet.topup.mockResolvedValue({});
    render(<Home />);
    await screen.findByText('¥123.45');
    client.me.retrieve.mockResolvedValue({ ...me, wallet: { ...me.wallet, balance: 22_345 } });
    fireEvent.click(screen.getByLabelText('充值 ¥100（开发环境）'));
    expect(await screen.findByText('¥223.45')).toBeTruthy();
    expect(client.wallet.topup).toHaveBeenCalledWith({ amount: 10_000 });
    expect(screen.getByRole('status').textContent).toBe('已充值 ¥100.00');
  });

  test('opens a pasted code link on the claim page and rejects text that is not one', async () => {
    render(<Home />);
    const input = screen.getByLabelText('粘贴或输入红包码链接');
    fireEvent.change(input, { target: { value: 'hello' } });
    fireEvent.click(screen.getByLabelText('打开'));
    expect(screen.getAllByText('这不是有效的红包码链接').length).toBeGreaterThan(0);
    fireEvent.change(input, { target: { value: 'https://hb.example/c/AbCdEfGhIjKlMnOpQrSt' } });
    fireEvent.click(screen.getByLabelText('打开'));
    expect(taroMock.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/claim/index?token=AbCdEfGhIjKlMnOpQrSt' }]);
  });

  test('offers to continue an unsent draft, and discarding it removes the offer', async () => {
    const { drafts } = await import('../../src/services/drafts');
    const draft = drafts.update(drafts.current(), { amountText: '6.66', countText: '3', step: 4 });
    drafts.beginSubmit(draft, { mode: 'random', total: 666, count: 3, scene: 'general' } as never);
    render(<Home />);
    expect(screen.getByText('你有一个未发出的红包 ¥6.66，继续发送？')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('放弃草稿'));
    expect(screen.queryByText(/未发出的红包/)).toBeNull();
  });

  test('says when the balance cannot load, and retry loads it', async () => {
    client.me.retrieve.mockRejectedValueOnce(apiError(500, 'INTERNAL'));
    render(<Home />);
    expect((await screen.findByRole('alert')).textContent).toContain('重试');
    fireEvent.click(screen.getByLabelText('重试'));
    expect(await screen.findByText('¥123.45')).toBeTruthy();
  });
});

describe('detail page', () => {
  beforeEach(() => {
    taroMock.routerParams = { id: 'pkt_1' };
  });

  test('shows progress, masked claims, the luckiest and the refund status while open', async () => {
    client.packets.retrieve.mockResolvedValueOnce(packet({ claimedCount: 2, claimedAmount: 700 })).mockImplementation(never);
    client.packets.claims.mockResolvedValue({
      data: [
        { id: 'clm_1', packetId: 'pkt_1', userId: 'u1', name: '王*', amount: 500, createdAt: '2026-01-01T08:01:00Z' },
        { id: 'clm_2', packetId: 'pkt_1', userId: 'u2', name: '李*', amount: 200, createdAt: '2026-01-01T08:02:00Z' },
      ],
      nextCursor: null,
      luckiest: { userId: 'u1', name: '王*', amount: 500, claimId: 'clm_1' },
    });
    render(<Detail />);
    expect(await screen.findByText('已领取 2/3 个，共 ¥7.00/¥10.00', { selector: '.progress' })).toBeTruthy();
    const rows = await screen.findAllByRole('listitem', { name: /领取/ });
    expect(rows.map((row) => row.getAttribute('aria-label'))).toEqual(['王* 领取 5.00元', '李* 领取 2.00元']);
    expect(screen.getByText('👑 手气最佳：王* ¥5.00')).toBeTruthy();
    expect(screen.getByText('领取中 · 未领完的 ¥3.00 将在过期后退回')).toBeTruthy();
    expect(screen.getByText('红包领完或过期后公开随机种子，可校验分配是否公平')).toBeTruthy();
    expect(document.querySelector('.live-region')!.textContent).toBe('已领取 2/3 个，共 ¥7.00/¥10.00');
    fireEvent.click(screen.getByLabelText('出示红包码'));
    expect(taroMock.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/code/index?packetId=pkt_1' }]);
  });

  test('follows claims live: the next long-poll answer updates the progress', async () => {
    let answer: (value: unknown) => void = () => undefined;
    client.packets.retrieve.mockResolvedValueOnce(packet()).mockImplementationOnce(() => new Promise((resolve) => (answer = resolve))).mockImplementation(never);
    client.packets.claims.mockResolvedValue({ data: [], nextCursor: null, luckiest: null });
    render(<Detail />);
    expect(await screen.findByText('还没有人领取')).toBeTruthy();
    await waitFor(() => expect(client.packets.retrieve).toHaveBeenCalledTimes(2));
    expect(client.packets.retrieve.mock.calls[1][1]).toEqual({ wait: 25, version: 1 });
    await act(async () => answer(packet({ claimedCount: 1, claimedAmount: 300, version: 2 })));
    expect(await screen.findByText('已领取 1/3 个，共 ¥3.00/¥10.00', { selector: '.progress' })).toBeTruthy();
  });

  test('a refunded packet says how much went back to the balance', async () => {
    client.packets.retrieve.mockResolvedValue(packet({ status: 'refunded', claimedCount: 1, claimedAmount: 400, refundedAmount: 600 }));
    client.packets.claims.mockResolvedValue({ data: [{ id: 'clm_1', packetId: 'pkt_1', userId: 'u1', name: '王*', amount: 400, createdAt: '' }], nextCursor: null, luckiest: null });
    client.packets.fairness.mockReturnValue(never());
    render(<Detail />);
    expect(await screen.findByText('已过期，¥6.00 已退回余额')).toBeTruthy();
    expect(screen.queryByLabelText('出示红包码')).toBeNull();
  });
});

describe('collect page', () => {
  test('shows the collect QR, lists payments and announces a new one on screen and by voice', async () => {
    const speak = jest.fn();
    (window as unknown as { speechSynthesis: unknown }).speechSynthesis = { speak };
    (global as unknown as { SpeechSynthesisUtterance: unknown }).SpeechSynthesisUtterance = class {
      lang = '';
      constructor(readonly text: string) {}
    };
    process.env.TARO_ENV = 'h5';
    let push: (p: unknown) => void = () => undefined;
    client.codes.createCollect.mockResolvedValue(collectCode);
    client.collectCodes.payments.mockResolvedValue({ data: [payment()], nextCursor: null });
    client.collectCodes.onPayment.mockImplementation((_id: string, onPayment: (p: unknown) => void) => {
      push = onPayment;
      return { stop: () => undefined, done: never() };
    });
    render(<Collect />);
    expect(await screen.findByLabelText('我的收款二维码')).toBeTruthy();
    expect(await screen.findByLabelText('王* 付款 8.88元')).toBeTruthy();
    await act(async () => push(payment({ id: 'pay_2', payerName: '赵*', amount: 1200 })));
    expect(screen.getByText('收款到账 ¥12.00')).toBeTruthy();
    expect(screen.getAllByRole('listitem').map((row) => row.getAttribute('aria-label'))).toEqual(['赵* 付款 12.00元', '王* 付款 8.88元']);
    expect(screen.getByRole('status').textContent).toBe('收款到账 12.00元');
    expect(speak).toHaveBeenCalledWith(expect.objectContaining({ text: '收款到账 12.00元' }));
  });

  test('with the voice broadcast off, a payment is shown but not spoken', async () => {
    const speak = jest.fn();
    (window as unknown as { speechSynthesis: unknown }).speechSynthesis = { speak };
    process.env.TARO_ENV = 'h5';
    let push: (p: unknown) => void = () => undefined;
    client.codes.createCollect.mockResolvedValue(collectCode);
    client.collectCodes.payments.mockResolvedValue({ data: [], nextCursor: null });
    client.collectCodes.onPayment.mockImplementation((_id: string, onPayment: (p: unknown) => void) => {
      push = onPayment;
      return { stop: () => undefined, done: never() };
    });
    render(<Collect />);
    expect(await screen.findByText('还没有收到付款')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('收款语音播报'));
    await waitFor(() => expect(client.collectCodes.onPayment).toHaveBeenCalled());
    await act(async () => push(payment()));
    expect(screen.getByText('收款到账 ¥8.88')).toBeTruthy();
    expect(speak).not.toHaveBeenCalled();
  });
});

describe('history page', () => {
  test('lists sent packets, switches to received and to payments in and out, and opens a packet', async () => {
    client.packets.list.mockImplementation(async ({ role }: { role: string }) =>
      role === 'sent' ? { data: [packet({ claimedCount: 1 })], nextCursor: null } : { data: [packet({ id: 'pkt_2', senderId: 'usr_b', senderName: '小红', total: 520 })], nextCursor: null },
    );
    client.wallet.entries.mockResolvedValue({
      data: [
        { id: 'e1', kind: 'payment', amount: 888, createdAt: '2026-01-01T09:00:00Z', reference: 'pay_1' },
        { id: 'e2', kind: 'topup', amount: 10_000, createdAt: '2026-01-01T08:00:00Z', reference: null },
        { id: 'e3', kind: 'payment', amount: -300, createdAt: '2026-01-01T07:00:00Z', reference: 'pay_2' },
      ],
      nextCursor: null,
    });
    render(<History />);
    expect(await screen.findByText('新年快乐')).toBeTruthy();
    expect(screen.getByRole('tab', { name: '发出的' }).getAttribute('aria-selected')).toBe('true');

    fireEvent.click(screen.getByRole('tab', { name: '收到的' }));
    expect(await screen.findByText('小红的红包')).toBeTruthy();
    fireEvent.click(screen.getByRole('listitem', { name: /小红/ }));
    expect(taroMock.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/detail/index?id=pkt_2' }]);

    fireEvent.click(screen.getByRole('tab', { name: '收付款' }));
    await screen.findByText('收款');
    expect(screen.getAllByRole('listitem').map((row) => row.getAttribute('aria-label'))).toEqual(['收款 8.88元', '付款 3.00元']);
  });

  test('says so when there is nothing yet', async () => {
    client.packets.list.mockResolvedValue({ data: [], nextCursor: null });
    render(<History />);
    expect(await screen.findByText('暂无记录')).toBeTruthy();
  });
});

describe('opened from Moments (single-page mode)', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'weapp';
    taroMock.launchScene = 1154;
    taroMock.routerParams = { packetId: 'pkt_1', from: 'moments', sender: encodeURIComponent('小明'), message: encodeURIComponent('新年快乐') };
  });

  test.each([
    ['claim', Claim],
    ['code', Code],
  ])('the %s page shows the shared packet and how to open the full mini-program, without logging in or claiming', async (_name, Page) => {
    render(<Page />);
    const region = screen.getByRole('region', { name: '朋友圈里的红包' });
    expect(within(region).getByText('小明的红包')).toBeTruthy();
    expect(within(region).getByText('新年快乐')).toBeTruthy();
    expect(within(region).getByText(/前往小程序/, { selector: '.moments__steps' })).toBeTruthy();
    expect(screen.queryByLabelText('拆开红包')).toBeNull();
    await act(async () => undefined);
    for (const resource of Object.values(client)) for (const method of Object.values(resource)) expect(method).not.toHaveBeenCalled();
  });
});

describe('exclusive packets', () => {
  test('pick the recipient from people in the history, or type an id', async () => {
    client.packets.list.mockImplementation(async ({ role }: { role: string }) =>
      role === 'received'
        ? { data: [packet({ id: 'pkt_2', senderId: 'usr_hong', senderName: '小红', createdAt: '2026-01-03T00:00:00Z' })], nextCursor: null }
        : { data: [packet({ mode: 'exclusive', recipientId: 'usr_gang00', createdAt: '2026-01-02T00:00:00Z' })], nextCursor: null },
    );
    render(<Send />);
    fireEvent.click(await screen.findByLabelText('专属红包：只有指定的人能领'));
    fireEvent.click(screen.getByLabelText('下一步'));
    const group = await screen.findByRole('radiogroup', { name: '从来往过的人中选择' });
    expect(within(group).getAllByRole('radio').map((radio) => radio.textContent)).toEqual(['小红', '…gang00']);
    fireEvent.click(screen.getByLabelText('发给 小红'));
    expect((screen.getByLabelText('或输入对方的用户 ID') as HTMLInputElement).value).toBe('usr_hong');
    expect(screen.getByLabelText('发给 小红').getAttribute('aria-checked')).toBe('true');
    fireEvent.change(screen.getByLabelText('或输入对方的用户 ID'), { target: { value: 'usr_typed' } });
    expect(screen.getByLabelText('发给 小红').getAttribute('aria-checked')).toBe('false');
  });
});

describe('geofenced codes', () => {
  const cover = { code: { id: 'cod', kind: 'claim', status: 'active', expiresAt: '', geofenced: true }, packet: { id: 'pkt_1', senderName: '小明', mode: 'random', message: '恭喜发财', scene: 'general', status: 'active', count: 5, claimedCount: 0, exclusive: false }, collect: null };
  const outOfArea = () => apiError(403, 'OUT_OF_AREA', { field: 'location' });

  beforeEach(() => {
    taroMock.routerParams = { token: 'AbCdEfGhIjKlMnOpQrSt' };
    client.codes.resolve.mockResolvedValue(cover);
  });

  async function openPacket() {
    render(<Claim />);
    await waitFor(() => expect((screen.getByLabelText('拆开红包') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByLabelText('拆开红包'));
  }

  test('asks for the location when the code needs it and claims again with it', async () => {
    taroMock.location = { latitude: 31.23, longitude: 121.47 };
    client.claims.create.mockRejectedValueOnce(outOfArea()).mockResolvedValueOnce({ claim: { id: 'clm', packetId: 'pkt_1', userId: 'u', name: '小*', amount: 188, createdAt: '' }, packet: { ...cover.packet, luckiest: null } });
    await openPacket();
    expect(await screen.findByText('你领到了 ¥1.88', {}, { timeout: 3000 })).toBeTruthy();
    expect(client.claims.create.mock.calls[0][0].location).toBeUndefined();
    expect(client.claims.create.mock.calls[1][0]).toEqual(expect.objectContaining({ token: 'AbCdEfGhIjKlMnOpQrSt', location: { lat: 31.23, lng: 121.47 } }));
  });

  test('a refused location prompt gets a friendly message and a way to try again', async () => {
    taroMock.location = null;
    client.claims.create.mockRejectedValue(outOfArea());
    await openPacket();
    const message = await screen.findByText(/需要你的位置才能继续/, { selector: '.claim-failed' }, { timeout: 3000 });
    expect(message.getAttribute('data-code')).toBe('location');
    expect(client.claims.create).toHaveBeenCalledTimes(1);

    taroMock.location = { latitude: 31.23, longitude: 121.47 };
    client.claims.create.mockReset().mockRejectedValueOnce(outOfArea()).mockRejectedValueOnce(apiError(403, 'OUT_OF_AREA'));
    fireEvent.click(screen.getByLabelText('允许获取位置并重试'));
    expect(await screen.findByText('不在红包码的可用范围内', { selector: '.claim-failed' }, { timeout: 3000 })).toBeTruthy();
  });
});

describe('large text', () => {
  test.each([
    ['home', Home],
    ['history', History],
    ['settings', Settings],
  ])('the setting enlarges the %s page', async (name, Page) => {
    client.packets.list.mockResolvedValue({ data: [], nextCursor: null });
    render(<Page />);
    const root = document.querySelector(`.screen-${name}`)!;
    expect(root.classList.contains('screen--large')).toBe(false);
    act(() => settingsStore.update({ largeText: true }));
    expect(root.classList.contains('screen--large')).toBe(true);
  });

  test('the settings switch turns it on and English on', async () => {
    render(<Settings />);
    fireEvent.click(screen.getByLabelText('大字模式'));
    expect(settingsStore.get().largeText).toBe(true);
    fireEvent.click(screen.getByLabelText('English'));
    expect(await screen.findByLabelText('Large text')).toBeTruthy();
  });
});
