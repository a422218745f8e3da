/**
 * @jest-environment jsdom
 *
 * Page components in jsdom with Taro mapped to small mocks and the SDK client replaced by a fake
 * that the test scripts: what a user sees and can do.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { APIConnectionError, APIError } from '@hongbao/sdk';
import { taroMock } from '../mocks/taro';

const client = {
  me: { retrieve: jest.fn() },
  packets: { create: jest.fn() },
  codes: { resolve: jest.fn() },
  claims: { create: jest.fn() },
};
jest.mock('../../src/services/client', () => ({
  api: (call: (c: typeof client) => Promise<unknown>) => call(client),
  currentUser: () => null,
}));

// Imported after the mock so the pages get the fake client.
import Send from '../../src/pages/send';
import Claim from '../../src/pages/claim';

// Per-file: jest ignores `testTimeout` in a project config when the root runs several projects.
jest.setTimeout(30_000);

const me = {
  user: { id: 'usr_a', kind: 'user', name: '小明', tier: 'personal', role: 'user', region: null, createdAt: '' },
  wallet: { accountId: 'usr_a', currency: 'CNY', balance: 50_000, pendingSettlement: 0 },
  usage: { singleLimit: 20_000, dailyLimit: 100_000, usedToday: 0, remainingToday: 100_000, businessDay: '2026-01-01' },
};
const apiError = (status: number, code: string, extra: object = {}) => APIError.from(status, { error: { code, message: code, requestId: 'r', ...extra } });

beforeEach(() => {
  taroMock.reset();
  jest.clearAllMocks();
  client.me.retrieve.mockResolvedValue(me);
});
afterEach(cleanup);

async function fillSend(amount: string, count: string, message: string) {
  render(<Send />);
  await waitFor(() => expect(client.me.retrieve).toHaveBeenCalled());
  fireEvent.click(screen.getByLabelText('下一步'));
  fireEvent.change(screen.getByLabelText('总金额（元）'), { target: { value: amount } });
  fireEvent.change(screen.getByLabelText('红包个数'), { target: { value: count } });
  await act(async () => undefined);
  fireEvent.click(screen.getByLabelText('下一步'));
  fireEvent.change(screen.getByLabelText('祝福语'), { target: { value: message } });
}

describe('send page', () => {
  test('flags banned words before submit and will not go on', async () => {
    await fillSend('10.00', '5', '全额返现大放送');
    expect(screen.getByRole('alert').textContent).toContain('祝福语包含违规词：全额返现、返现');
    expect((screen.getByLabelText('下一步') as HTMLButtonElement).disabled).toBe(true);
    expect(client.packets.create).not.toHaveBeenCalled();
  });

  test('a network failure on submit keeps the draft, and the retry sends the same idempotency key', async () => {
    client.packets.create.mockRejectedValueOnce(new APIConnectionError()).mockResolvedValueOnce({ id: 'pkt_1' });
    await fillSend('10.00', '5', '新年快乐');
    fireEvent.click(screen.getByLabelText('下一步'));
    fireEvent.click(screen.getByLabelText('塞钱进红包 ¥10.00'));
    await screen.findByText('网络不给力，请检查网络后重试。');
    expect(screen.getByText('草稿已自动保存')).toBeTruthy();

    cleanup();
    render(<Send />);
    await waitFor(() => expect((screen.getByLabelText('塞钱进红包 ¥10.00') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByLabelText('塞钱进红包 ¥10.00'));
    await waitFor(() => expect(taroMock.navigations).toEqual([{ kind: 'redirectTo', url: '/pages/code/index?packetId=pkt_1' }]));

    const [[firstBody, firstOptions], [retryBody, retryOptions]] = client.packets.create.mock.calls;
    expect(retryBody).toEqual(firstBody);
    expect(firstBody).toEqual({ mode: 'random', total: 1000, count: 5, scene: 'general', message: '新年快乐' });
    expect(retryOptions.idempotencyKey).toBe(firstOptions.idempotencyKey);
  });
});

describe('claim page', () => {
  const cover = { code: { id: 'cod', kind: 'claim', status: 'active', expiresAt: '', geofenced: false }, packet: { id: 'pkt_1', senderName: '小明', mode: 'random', message: '恭喜发财', scene: 'general', status: 'active', count: 5, claimedCount: 0, exclusive: false }, collect: null };

  beforeEach(() => {
    taroMock.routerParams = { token: 'AbCdEfGhIjKlMnOpQrSt' };
    client.codes.resolve.mockResolvedValue(cover);
  });

  test('opens the packet and shows the amount', async () => {
    client.claims.create.mockResolvedValue({ claim: { id: 'clm', packetId: 'pkt_1', userId: 'u', name: '小*', amount: 233, createdAt: '' }, packet: { ...cover.packet, luckiest: null } });
    render(<Claim />);
    await screen.findByText('小明的红包');
    await waitFor(() => expect((screen.getByLabelText('拆开红包') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByLabelText('拆开红包'));
    expect(await screen.findByText('你领到了 ¥2.33', {}, { timeout: 3000 })).toBeTruthy();
    expect(client.claims.create).toHaveBeenCalledWith(expect.objectContaining({ token: 'AbCdEfGhIjKlMnOpQrSt' }));
  });

  test('ALREADY_CLAIMED shows the amount claimed the first time', async () => {
    client.claims.create.mockRejectedValue(apiError(409, 'ALREADY_CLAIMED', { claim: { id: 'clm', packetId: 'pkt_1', amount: 512 } }));
    render(<Claim />);
    await waitFor(() => expect((screen.getByLabelText('拆开红包') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByLabelText('拆开红包'));
    expect(await screen.findByText('你已经领过这个红包，领到 ¥5.12', {}, { timeout: 3000 })).toBeTruthy();
  });

  test.each([
    ['PACKET_EXHAUSTED', 409, '手慢了，红包派完了'],
    ['CODE_EXPIRED', 410, '红包码已过期，请让对方刷新后再扫'],
    ['CODE_INVALID', 400, '无法识别的红包码'],
  ])('%s gets its own message', async (code, status, message) => {
    client.claims.create.mockRejectedValue(apiError(status, code));
    render(<Claim />);
    await waitFor(() => expect((screen.getByLabelText('拆开红包') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByLabelText('拆开红包'));
    expect((await screen.findByText(message, { selector: '.claim-failed' }, { timeout: 3000 })).getAttribute('data-code')).toBe(code);
  });

  test('offers sharing the packet to a chat without making claiming depend on it', async () => {
    render(<Claim />);
    await screen.findByText('小明的红包');
    expect(taroMock.shares.appMessage?.()).toEqual({ title: '小明发了一个红包：恭喜发财', path: '/pages/claim/index?packetId=pkt_1' });
    expect((screen.getByLabelText('拆开红包') as HTMLButtonElement).disabled).toBe(false);
  });
});
