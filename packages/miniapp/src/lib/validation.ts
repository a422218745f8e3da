/**
 * Live validation of the send form against the sender's tier limits, run on every keystroke.
 * Returns message keys (with params) rather than strings so the page words them in the chosen
 * language; the server checks everything again, this only spares the user a failed payment.
 */
import { clampRecommendation, DEFAULT_BANNED_WORDS, MAX_MESSAGE_LENGTH, parseYuan, type Scene } from './protocol';
import { formatFen } from './money';
import type { MessageKey, Params } from './i18n';

export type PacketMode = 'random' | 'fixed' | 'exclusive';

export interface Issue {
  key: MessageKey;
  params?: Params;
}

/** What the sender may spend, from `GET /v1/me`. */
export interface SendLimits {
  singleLimit: number;
  remainingToday: number;
  balance: number;
  /** Largest `count` for the sender's tier. */
  maxCount: number;
}

export interface AmountInput {
  mode: PacketMode;
  /** The total for random packets; the amount of each share for fixed ones. */
  amountText: string;
  countText: string;
}

export interface AmountCheck {
  /** The packet total in fen, when the amount parses. */
  total: number | null;
  count: number | null;
  amountIssue?: Issue;
  countIssue?: Issue;
  /** True when nothing blocks the next step. */
  ok: boolean;
}

function parseCount(text: string): number | null {
  return /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** Checks amount and count for the chosen mode against the limits, in the order a person fixes them. */
export function checkAmount(input: AmountInput, limits: SendLimits): AmountCheck {
  const count = input.mode === 'exclusive' ? 1 : parseCount(input.countText);
  let countIssue: Issue | undefined;
  if (input.mode !== 'exclusive') {
    if (input.countText.trim() === '') countIssue = { key: 'errCountRequired' };
    else if (count === null) countIssue = { key: 'errCountFormat' };
    else if (count < 1 || count > limits.maxCount) countIssue = { key: 'errCountRange', params: { max: limits.maxCount } };
  }

  const entered = parseYuan(input.amountText);
  let amountIssue: Issue | undefined;
  let total: number | null = null;
  if (input.amountText.trim() === '') amountIssue = { key: 'errAmountRequired' };
  else if (entered === null) amountIssue = { key: 'errAmountFormat' };
  else if (entered === 0) amountIssue = { key: 'errAmountZero' };
  else {
    total = input.mode === 'fixed' && count !== null && !countIssue ? entered * count : entered;
    if (input.mode === 'random' && count !== null && !countIssue && total < count) amountIssue = { key: 'errPerShareMin' };
    else if (total > limits.singleLimit) amountIssue = { key: 'errSingleLimit', params: { limit: formatFen(limits.singleLimit) } };
    else if (total > limits.remainingToday) amountIssue = { key: 'errDailyLimit', params: { remaining: formatFen(limits.remainingToday) } };
    else if (total > limits.balance) amountIssue = { key: 'errBalance', params: { balance: formatFen(limits.balance) } };
  }
  return {
    total: countIssue && input.mode === 'fixed' ? null : total,
    count: countIssue ? null : count,
    amountIssue,
    countIssue,
    ok: !amountIssue && !countIssue,
  };
}

/** The banned words found in `message`, in list order, each once. */
export function bannedWordsIn(message: string, banned: readonly string[] = DEFAULT_BANNED_WORDS): string[] {
  return banned.filter((word) => message.includes(word));
}

/** Checks a blessing message: length in characters (not UTF-16 units) and banned marketing words. */
export function checkMessage(message: string, banned: readonly string[] = DEFAULT_BANNED_WORDS): Issue | undefined {
  const length = Array.from(message).length;
  if (length > MAX_MESSAGE_LENGTH) return { key: 'errMessageTooLong', params: { max: MAX_MESSAGE_LENGTH } };
  const found = bannedWordsIn(message, banned);
  if (found.length > 0) return { key: 'errBannedWords', params: { words: found.join('、') } };
  return undefined;
}

export function checkRecipient(mode: PacketMode, recipient: string): Issue | undefined {
  if (mode !== 'exclusive') return undefined;
  return /^[A-Za-z0-9_-]{1,64}$/.test(recipient.trim()) ? undefined : { key: 'errRecipientRequired' };
}

/** A scene's suggested total, clamped to the sender's single limit; the low end is the one offered. */
export function suggestedTotal(scene: Scene, singleLimit: number): { min: number; max: number; suggestion: number } {
  const range = clampRecommendation(scene, singleLimit);
  return { ...range, suggestion: range.min };
}
