import { bannedWordsIn, checkAmount, checkMessage, checkRecipient, suggestedTotal, type SendLimits } from '../../src/lib/validation';

const personal: SendLimits = { singleLimit: 20_000, remainingToday: 100_000, balance: 50_000, maxCount: 100 };

describe('checkAmount', () => {
  test('accepts ¥10.00 in 5 shares and reports the total in fen', () => {
    const check = checkAmount({ mode: 'random', amountText: '10.00', countText: '5' }, personal);
    expect(check).toMatchObject({ ok: true, total: 1000, count: 5 });
  });

  test('multiplies the amount of each share by the count for fixed packets', () => {
    expect(checkAmount({ mode: 'fixed', amountText: '2.5', countText: '4' }, personal)).toMatchObject({ ok: true, total: 1000, count: 4 });
  });

  test('rejects a total above the tier single limit, naming the limit', () => {
    const check = checkAmount({ mode: 'random', amountText: '200.01', countText: '2' }, personal);
    expect(check.ok).toBe(false);
    expect(check.amountIssue).toEqual({ key: 'errSingleLimit', params: { limit: '¥200.00' } });
  });

  test('checks the fixed total, not the amount typed, against the single limit', () => {
    expect(checkAmount({ mode: 'fixed', amountText: '50', countText: '5' }, personal).amountIssue?.key).toBe('errSingleLimit');
  });

  test('rejects more than what is left for today before looking at the balance', () => {
    const check = checkAmount({ mode: 'random', amountText: '100', countText: '1' }, { ...personal, remainingToday: 5_000 });
    expect(check.amountIssue).toEqual({ key: 'errDailyLimit', params: { remaining: '¥50.00' } });
  });

  test('flags a balance too low to pay', () => {
    expect(checkAmount({ mode: 'random', amountText: '10', countText: '1' }, { ...personal, balance: 999 }).amountIssue?.key).toBe('errBalance');
  });

  test('needs at least one fen per share', () => {
    expect(checkAmount({ mode: 'random', amountText: '0.04', countText: '5' }, personal).amountIssue?.key).toBe('errPerShareMin');
  });

  test('rejects more than two decimals, zero and non-numbers', () => {
    expect(checkAmount({ mode: 'random', amountText: '1.234', countText: '1' }, personal).amountIssue?.key).toBe('errAmountFormat');
    expect(checkAmount({ mode: 'random', amountText: 'abc', countText: '1' }, personal).amountIssue?.key).toBe('errAmountFormat');
    expect(checkAmount({ mode: 'random', amountText: '0.00', countText: '1' }, personal).amountIssue?.key).toBe('errAmountZero');
  });

  test('keeps the count within the tier maximum', () => {
    expect(checkAmount({ mode: 'random', amountText: '100', countText: '101' }, personal).countIssue).toEqual({ key: 'errCountRange', params: { max: 100 } });
    expect(checkAmount({ mode: 'random', amountText: '100', countText: '0' }, personal).countIssue?.key).toBe('errCountRange');
    expect(checkAmount({ mode: 'random', amountText: '100', countText: '2.5' }, personal).countIssue?.key).toBe('errCountFormat');
    expect(checkAmount({ mode: 'random', amountText: '100', countText: '1000' }, { ...personal, maxCount: 10_000 }).countIssue).toBeUndefined();
  });

  test('treats an exclusive packet as one share whatever the count field says', () => {
    expect(checkAmount({ mode: 'exclusive', amountText: '8.88', countText: '' }, personal)).toMatchObject({ ok: true, total: 888, count: 1 });
  });
});

describe('messages and recipients', () => {
  test('flags banned marketing words before submit, each once', () => {
    expect(bannedWordsIn('今天免单！免单！还有全额返现')).toEqual(['免单', '全额返现', '返现']);
    expect(checkMessage('全额返现活动')).toEqual({ key: 'errBannedWords', params: { words: '全额返现、返现' } });
    expect(checkMessage('恭喜发财')).toBeUndefined();
  });

  test('counts characters, not UTF-16 units, against the 60-character limit', () => {
    expect(checkMessage('🧧'.repeat(60))).toBeUndefined();
    expect(checkMessage('福'.repeat(61))).toEqual({ key: 'errMessageTooLong', params: { max: 60 } });
  });

  test('requires a recipient id only for exclusive packets', () => {
    expect(checkRecipient('random', '')).toBeUndefined();
    expect(checkRecipient('exclusive', '')?.key).toBe('errRecipientRequired');
    expect(checkRecipient('exclusive', 'usr_123')).toBeUndefined();
  });
});

describe('scene recommendations', () => {
  test('clamps the wedding recommendation to a personal single limit', () => {
    expect(suggestedTotal('wedding', 20_000)).toEqual({ min: 20_000, max: 20_000, suggestion: 20_000 });
  });

  test('offers the low end of the range when it fits', () => {
    expect(suggestedTotal('birthday', 200_000)).toEqual({ min: 6_600, max: 18_800, suggestion: 6_600 });
  });
});
