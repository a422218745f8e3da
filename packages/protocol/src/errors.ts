/**
 * Every error code of the API with its HTTP status and default messages (SPEC section 11).
 * The server answers `{error: {code, message, requestId, ...details}}`; clients switch on `code`.
 */

export const ERRORS = {
  VALIDATION_FAILED: { status: 400, en: 'The request is invalid.', zh: '请求参数有误' },
  CODE_INVALID: { status: 400, en: 'This code is not valid.', zh: '无效的红包码' },
  UNAUTHENTICATED: { status: 401, en: 'Authentication is required.', zh: '请先登录' },
  SIGNATURE_INVALID: { status: 401, en: 'The request signature does not match.', zh: '请求签名无效' },
  REQUEST_EXPIRED: { status: 401, en: 'The request timestamp is outside the allowed window.', zh: '请求已过期，请校准时间' },
  REPLAYED: { status: 401, en: 'This nonce has already been used.', zh: '重复的请求' },
  INSUFFICIENT_FUNDS: { status: 402, en: 'The wallet balance is too low.', zh: '余额不足' },
  FORBIDDEN: { status: 403, en: 'You may not access this resource.', zh: '无权访问' },
  TIER_API_FORBIDDEN: { status: 403, en: "This account's tier does not include this API.", zh: '当前账户等级不支持该接口' },
  RISK_BLOCKED: { status: 403, en: 'Blocked by risk control.', zh: '操作存在风险，已被拦截' },
  NOT_RECIPIENT: { status: 403, en: 'This packet is for someone else.', zh: '这是发给别人的专属红包' },
  OUT_OF_AREA: { status: 403, en: 'You are outside the area where this code works.', zh: '不在红包码的可用范围内' },
  DEVICE_ACCOUNT_LIMIT: { status: 403, en: 'Too many accounts have used this device.', zh: '该设备登录的账号过多' },
  NOT_FOUND: { status: 404, en: 'Not found.', zh: '找不到该内容' },
  PAYLOAD_TOO_LARGE: { status: 413, en: 'The request body is too large.', zh: '请求内容过大' },
  IDEMPOTENCY_CONFLICT: { status: 409, en: 'This idempotency key was used with a different request.', zh: '重复提交的内容不一致' },
  ALREADY_CLAIMED: { status: 409, en: 'You have already claimed this packet.', zh: '你已经领过这个红包了' },
  PACKET_EXHAUSTED: { status: 409, en: 'All shares of this packet have been claimed.', zh: '手慢了，红包派完了' },
  PACKET_EXPIRED: { status: 410, en: 'This packet has expired.', zh: '红包已过期' },
  CODE_EXPIRED: { status: 410, en: 'This code has expired; ask for a fresh one.', zh: '红包码已过期，请刷新后重试' },
  CODE_REVOKED: { status: 410, en: 'This code has been revoked.', zh: '红包码已被撤销' },
  LIMIT_SINGLE_EXCEEDED: { status: 422, en: 'The amount exceeds the single transaction limit.', zh: '超出单笔限额' },
  LIMIT_DAILY_EXCEEDED: { status: 422, en: 'The amount exceeds the daily limit.', zh: '超出每日限额' },
  BANNED_WORDS: { status: 422, en: 'The message contains banned words.', zh: '祝福语包含违规词语' },
  CODE_FROZEN: { status: 423, en: 'This code is frozen pending review.', zh: '红包码已冻结，等待审核' },
  RATE_LIMITED: { status: 429, en: 'Too many requests; retry later.', zh: '操作太频繁，请稍后再试' },
  INTERNAL: { status: 500, en: 'Something went wrong on our side.', zh: '系统繁忙，请稍后再试' },
} as const satisfies Record<string, { status: number; en: string; zh: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export function statusOf(code: ErrorCode): number {
  return ERRORS[code].status;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, value);
}
