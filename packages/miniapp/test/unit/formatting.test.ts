import { paymentAnnouncement, newPayments } from '../../src/lib/announce';
import { refreshDelayMs, secondsUntil } from '../../src/lib/countdown';
import { claimPagePath, tokenFromText } from '../../src/lib/codeUrl';
import { paymentRows, shortTime } from '../../src/lib/history';
import { ALL_MESSAGE_KEYS, translate } from '../../src/lib/i18n';
import { fenToInput, formatFen, spokenAmount } from '../../src/lib/money';
import { chatShare, isSinglePageMode, momentsPreview, momentsShare } from '../../src/lib/share';
import { DEFAULT_SETTINGS, readSettings, writeSettings } from '../../src/lib/settings';
import { memoryStorage } from '../../src/lib/storage';

const TOKEN = 'AbCdEfGhIjKlMnOpQrSt_-0123456789';

describe('money formatting', () => {
  test('formats fen for display, for input fields and for speech', () => {
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(fenToInput(123456)).toBe('1234.56');
    expect(spokenAmount(888, 'zh')).toBe('8.88元');
    expect(spokenAmount(5, 'en')).toBe('0.05 yuan');
  });

  test('announces a payment the way a shop speaker does', () => {
    expect(paymentAnnouncement(888, 'zh')).toBe('收款到账 8.88元');
    expect(paymentAnnouncement(100, 'en')).toBe('Received 1.00 yuan');
  });

  test('announces only payments not seen before, oldest first, and none on the first load', () => {
    const latest = [{ id: 'p3' }, { id: 'p2' }, { id: 'p1' }];
    expect(newPayments(latest, null)).toEqual([]);
    expect(newPayments(latest, new Set(['p1']))).toEqual([{ id: 'p2' }, { id: 'p3' }]);
  });
});

describe('translations', () => {
  test('every message has Chinese and English and fills its placeholders', () => {
    for (const key of ALL_MESSAGE_KEYS) {
      expect(translate('zh', key)).not.toBe('');
      expect(translate('en', key)).not.toBe('');
    }
    expect(translate('zh', 'progress', { claimed: 3, count: 5, amount: '¥6.00', total: '¥10.00' })).toBe('已领取 3/5 个，共 ¥6.00/¥10.00');
    expect(translate('en', 'refreshIn', { seconds: 42 })).toBe('Refreshes in 42 s');
  });
});

describe('codes and links', () => {
  test('reads the token from a code URL, a claim-page link or a bare token', () => {
    expect(tokenFromText(`https://hb.example.com/c/${TOKEN}`)).toBe(TOKEN);
    expect(tokenFromText(`http://127.0.0.1:3000/#/pages/claim/index?token=${TOKEN}`)).toBe(TOKEN);
    expect(tokenFromText(` ${TOKEN} `)).toBe(TOKEN);
    expect(tokenFromText('https://example.com/not-a-code')).toBeNull();
    expect(tokenFromText('短')).toBeNull();
  });

  test('builds claim-page paths for tokens and shared packets', () => {
    expect(claimPagePath({ token: TOKEN })).toBe(`/pages/claim/index?token=${TOKEN}`);
    expect(claimPagePath({ packetId: 'pkt_1' })).toBe('/pages/claim/index?packetId=pkt_1');
  });

  test('counts down to the refresh and refreshes before the token expires even if refreshAt is late', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(secondsUntil('2026-01-01T00:00:42.100Z', now)).toBe(43);
    expect(secondsUntil('2025-12-31T23:59:00Z', now)).toBe(0);
    expect(refreshDelayMs({ refreshAt: '2026-01-01T00:01:00Z', expiresAt: '2026-01-01T00:02:00Z' }, now)).toBe(60_000);
    expect(refreshDelayMs({ refreshAt: '2026-01-01T00:05:00Z', expiresAt: '2026-01-01T00:02:00Z' }, now)).toBe(115_000);
  });
});

describe('sharing', () => {
  const packet = { id: 'pkt_1', senderName: '小明', message: '新年快乐' };

  test('a chat card opens the claim page for the packet', () => {
    expect(chatShare(packet, 'zh')).toEqual({ title: '小明发了一个红包：新年快乐', path: '/pages/claim/index?packetId=pkt_1' });
  });

  test('a Moments share carries what the single-page preview shows', () => {
    const { query } = momentsShare(packet, 'zh');
    const params = Object.fromEntries(query.split('&').map((pair) => pair.split('=') as [string, string]));
    expect(momentsPreview(params)).toEqual({ packetId: 'pkt_1', sender: '小明', message: '新年快乐' });
  });

  test('recognises the Moments single-page scene only', () => {
    expect(isSinglePageMode(1154)).toBe(true);
    expect(isSinglePageMode(1007)).toBe(false);
    expect(isSinglePageMode(undefined)).toBe(false);
  });
});

describe('settings and history', () => {
  test('defaults to Chinese, normal text and voice on; keeps what was saved', () => {
    const storage = memoryStorage();
    expect(readSettings(storage)).toEqual(DEFAULT_SETTINGS);
    writeSettings(storage, { lang: 'en', largeText: true, voice: false });
    expect(readSettings(storage)).toEqual({ lang: 'en', largeText: true, voice: false });
    expect(readSettings(memoryStorage({ 'hongbao.settings.v1': { lang: 'fr', voice: 'yes' } }))).toEqual(DEFAULT_SETTINGS);
  });

  test('lists payments in and out from the ledger and nothing else', () => {
    const entries = [
      { id: 'e1', kind: 'payment', amount: 888, createdAt: '2026-01-01T00:00:00Z', reference: null },
      { id: 'e2', kind: 'payment', amount: -500, createdAt: '2026-01-01T00:00:00Z', reference: null },
      { id: 'e3', kind: 'topup', amount: 10_000, createdAt: '2026-01-01T00:00:00Z', reference: null },
    ];
    expect(paymentRows(entries)).toEqual([
      { id: 'e1', direction: 'in', amount: 888, createdAt: '2026-01-01T00:00:00Z' },
      { id: 'e2', direction: 'out', amount: 500, createdAt: '2026-01-01T00:00:00Z' },
    ]);
  });

  test('shows only the time for today and the date otherwise', () => {
    const now = new Date(2026, 0, 2, 12, 0);
    expect(shortTime(new Date(2026, 0, 2, 9, 5).toISOString(), now)).toBe('09:05');
    expect(shortTime(new Date(2026, 0, 1, 23, 59).toISOString(), now)).toBe('01-01 23:59');
  });
});
