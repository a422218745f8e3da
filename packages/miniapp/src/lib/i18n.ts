/**
 * Every string the user sees, Chinese first with an English translation. `{name}` placeholders
 * are filled from the params passed to `translate`.
 */
export type Lang = 'zh' | 'en';
export const LANGS: readonly Lang[] = ['zh', 'en'];

const MESSAGES = {
  appName: { zh: '红包', en: 'Hongbao' },
  loading: { zh: '加载中…', en: 'Loading…' },
  retry: { zh: '重试', en: 'Retry' },
  back: { zh: '返回', en: 'Back' },
  next: { zh: '下一步', en: 'Next' },
  previous: { zh: '上一步', en: 'Previous' },
  cancel: { zh: '取消', en: 'Cancel' },
  close: { zh: '关闭', en: 'Close' },
  goHome: { zh: '回到首页', en: 'Back to home' },

  // home
  homeTitle: { zh: '我的红包', en: 'My red packets' },
  balance: { zh: '余额', en: 'Balance' },
  balanceAnnounce: { zh: '余额 {amount}', en: 'Balance {amount}' },
  topup: { zh: '充值 ¥100（开发环境）', en: 'Top up ¥100 (development)' },
  toppedUp: { zh: '已充值 {amount}', en: 'Topped up {amount}' },
  sendPacket: { zh: '发红包', en: 'Send a red packet' },
  collectCode: { zh: '收款码', en: 'Collect code' },
  scan: { zh: '扫一扫', en: 'Scan' },
  history: { zh: '账单记录', en: 'History' },
  settings: { zh: '设置', en: 'Settings' },
  scanPasteLabel: { zh: '粘贴或输入红包码链接', en: 'Paste or type a code link' },
  scanPastePlaceholder: { zh: '例如 https://…/c/…', en: 'e.g. https://…/c/…' },
  scanOpen: { zh: '打开', en: 'Open' },
  scanInvalid: { zh: '这不是有效的红包码链接', en: 'That is not a valid code link' },
  continueDraft: { zh: '你有一个未发出的红包 {amount}，继续发送？', en: 'You have an unsent packet of {amount}. Continue?' },
  draftOffer: { zh: '未发出的红包', en: 'Unsent packet' },
  continueDraftAction: { zh: '继续', en: 'Continue' },
  discardDraft: { zh: '放弃草稿', en: 'Discard draft' },
  greeting: { zh: '你好，{name}', en: 'Hello, {name}' },

  // send
  sendTitle: { zh: '发红包', en: 'Send a red packet' },
  stepOf: { zh: '第 {step} 步，共 4 步', en: 'Step {step} of 4' },
  step1: { zh: '类型和场景', en: 'Mode and scene' },
  step2: { zh: '金额和个数', en: 'Amount and count' },
  step3: { zh: '祝福语', en: 'Message' },
  step4: { zh: '确认并支付', en: 'Confirm and pay' },
  modeRandom: { zh: '拼手气红包', en: 'Lucky draw (random)' },
  modeFixed: { zh: '普通红包', en: 'Equal shares' },
  modeExclusive: { zh: '专属红包', en: 'Exclusive' },
  modeRandomHint: { zh: '每人抽到的金额随机', en: 'Each share is a random amount' },
  modeFixedHint: { zh: '每人金额相同', en: 'Everyone gets the same amount' },
  modeExclusiveHint: { zh: '只有指定的人能领', en: 'Only the named person can claim' },
  scene: { zh: '场景', en: 'Scene' },
  recommended: { zh: '推荐金额 {min} – {max}', en: 'Suggested {min} – {max}' },
  useRecommended: { zh: '使用推荐金额 {amount}', en: 'Use suggested {amount}' },
  total: { zh: '总金额（元）', en: 'Total (yuan)' },
  perShare: { zh: '单个金额（元）', en: 'Amount each (yuan)' },
  count: { zh: '红包个数', en: 'Number of shares' },
  recipient: { zh: '领取人', en: 'Recipient' },
  recipientPick: { zh: '从来往过的人中选择', en: 'Pick someone you have exchanged with' },
  recipientContact: { zh: '发给 {name}', en: 'Send to {name}' },
  recipientNoContacts: { zh: '还没有来往记录，可直接输入对方的用户 ID', en: 'No one in your history yet; type their user ID instead' },
  recipientType: { zh: '或输入对方的用户 ID', en: "Or type the recipient's user ID" },
  recipientPlaceholder: { zh: '对方的用户 ID', en: "The recipient's user ID" },
  amountPlaceholder: { zh: '0.00', en: '0.00' },
  countPlaceholder: { zh: '填写个数', en: 'How many' },
  limitsHint: { zh: '单笔限额 {single}，今日还可发 {remaining}', en: 'Single limit {single}; {remaining} left today' },
  message: { zh: '祝福语', en: 'Message' },
  messagePlaceholder: { zh: '恭喜发财，大吉大利', en: 'Best wishes' },
  messageCount: { zh: '{used}/{max} 字', en: '{used}/{max} characters' },
  confirmSummary: { zh: '{mode} · {count} 个 · 共 {amount}', en: '{mode} · {count} shares · {amount} in total' },
  pay: { zh: '塞钱进红包 {amount}', en: 'Pay {amount}' },
  paying: { zh: '支付中…', en: 'Paying…' },
  draftSaved: { zh: '草稿已自动保存', en: 'Draft saved' },
  submitFailedKept: { zh: '{reason} 草稿已保存，可稍后继续发送，不会重复扣款。', en: '{reason} Your draft is saved; retrying will not charge you twice.' },
  sent: { zh: '红包已发出', en: 'Red packet sent' },

  // validation
  errAmountRequired: { zh: '请输入金额', en: 'Enter an amount' },
  errAmountFormat: { zh: '金额格式不对，最多两位小数', en: 'Use a number with at most two decimals' },
  errAmountZero: { zh: '金额至少 ¥0.01', en: 'The amount must be at least ¥0.01' },
  errCountRequired: { zh: '请输入红包个数', en: 'Enter how many shares' },
  errCountFormat: { zh: '个数须为整数', en: 'The count must be a whole number' },
  errCountRange: { zh: '个数须在 1 到 {max} 之间', en: 'The count must be between 1 and {max}' },
  errPerShareMin: { zh: '每个红包至少 ¥0.01', en: 'Each share must be at least ¥0.01' },
  errSingleLimit: { zh: '单个红包总额不能超过 {limit}', en: 'A packet cannot exceed {limit}' },
  errDailyLimit: { zh: '超出今日剩余额度 {remaining}', en: 'Over what is left for today: {remaining}' },
  errBalance: { zh: '余额不足，当前余额 {balance}', en: 'Not enough balance: {balance}' },
  errRecipientRequired: { zh: '请填写领取人', en: 'Enter the recipient' },
  errMessageTooLong: { zh: '祝福语最多 {max} 个字', en: 'At most {max} characters' },
  errBannedWords: { zh: '祝福语包含违规词：{words}', en: 'The message contains banned words: {words}' },

  // code
  codeTitle: { zh: '红包码', en: 'Packet code' },
  codeHint: { zh: '请对方用微信扫一扫领取', en: 'Ask them to scan this to claim' },
  refreshIn: { zh: '{seconds} 秒后自动刷新', en: 'Refreshes in {seconds} s' },
  refreshing: { zh: '正在刷新…', en: 'Refreshing…' },
  refreshNow: { zh: '立即刷新', en: 'Refresh now' },
  revoke: { zh: '撤销此码', en: 'Revoke this code' },
  revoked: { zh: '此码已撤销，不能再领取', en: 'This code is revoked and can no longer be used' },
  qrLabel: { zh: '红包二维码，内容 {url}', en: 'Red packet QR code for {url}' },
  shareToChat: { zh: '发给好友或群', en: 'Send to a chat' },
  viewDetail: { zh: '查看领取详情', en: 'See who claimed' },
  saveImage: { zh: '保存二维码图片', en: 'Save QR image' },
  shareTitle: { zh: '{name}发了一个红包：{message}', en: '{name} sent you a red packet: {message}' },

  // claim
  claimTitle: { zh: '领红包', en: 'Claim' },
  packetFrom: { zh: '{name}的红包', en: 'From {name}' },
  openPacket: { zh: '開', en: 'Open' },
  openPacketLabel: { zh: '拆开红包', en: 'Open the red packet' },
  opening: { zh: '正在拆红包…', en: 'Opening…' },
  claimedAmount: { zh: '你领到了 {amount}', en: 'You got {amount}' },
  claimedAnnounce: { zh: '领到 {amount}，{message}', en: 'You got {amount}. {message}' },
  alreadyClaimed: { zh: '你已经领过这个红包，领到 {amount}', en: 'You already claimed this packet: {amount}' },
  exhausted: { zh: '手慢了，红包派完了', en: 'Too late: every share has been claimed' },
  packetExpired: { zh: '红包已超过 24 小时，无法领取', en: 'This packet has expired' },
  codeExpired: { zh: '红包码已过期，请让对方刷新后再扫', en: 'This code has expired. Ask for a fresh one' },
  codeInvalid: { zh: '无法识别的红包码', en: 'This code is not valid' },
  codeRevoked: { zh: '红包码已被发送者撤销', en: 'The sender revoked this code' },
  claimAddedToBalance: { zh: '已存入余额', en: 'Added to your balance' },
  luckiestIs: { zh: '手气最佳：{name} {amount}', en: 'Luckiest: {name} {amount}' },
  collectRedirect: { zh: '这是收款码，去付款', en: 'This is a collect code; pay instead' },
  noToken: { zh: '链接里没有红包信息', en: 'This link has no packet in it' },
  locationRetry: { zh: '允许获取位置并重试', en: 'Allow location and retry' },
  claimFromCard: { zh: '点击领取', en: 'Tap to claim' },

  // moments (single-page mode)
  momentsTitle: { zh: '朋友圈里的红包', en: 'A red packet from Moments' },
  momentsExplain: {
    zh: '在朋友圈里只能预览。点击屏幕下方的「前往小程序」进入完整的红包小程序后再领取。',
    en: 'Moments shows a preview only. Tap "Open mini-program" at the bottom of the screen to open the full app, then claim.',
  },
  momentsSteps: { zh: '1. 点底部「前往小程序」 2. 在小程序里点「開」', en: '1. Tap "Open mini-program" below 2. Tap "Open" in the app' },

  // detail
  detailTitle: { zh: '红包详情', en: 'Packet details' },
  progress: { zh: '已领取 {claimed}/{count} 个，共 {amount}/{total}', en: '{claimed}/{count} claimed, {amount} of {total}' },
  progressLive: { zh: '实时更新中', en: 'Updating live' },
  luckiest: { zh: '手气最佳', en: 'Luckiest' },
  noClaims: { zh: '还没有人领取', en: 'Nobody has claimed yet' },
  claimRow: { zh: '{name} 领取 {amount}', en: '{name} got {amount}' },
  statusActive: { zh: '领取中', en: 'Open' },
  statusFinished: { zh: '已领完', en: 'All claimed' },
  statusExpired: { zh: '已过期，等待退款', en: 'Expired, refund pending' },
  statusRefunded: { zh: '已过期，{amount} 已退回余额', en: 'Expired; {amount} refunded to your balance' },
  statusFrozen: { zh: '风控冻结中', en: 'Frozen by risk control' },
  refundNone: { zh: '无需退款', en: 'Nothing to refund' },
  refundPending: { zh: '未领完的 {amount} 将在过期后退回', en: 'The unclaimed {amount} is refunded after expiry' },
  chartTitle: { zh: '金额分布', en: 'How it was split' },
  chartUnclaimed: { zh: '未领取 {count} 个，共 {amount}', en: '{count} unclaimed, {amount}' },
  fairness: { zh: '公平性校验', en: 'Fairness check' },
  fairnessPending: { zh: '红包领完或过期后公开随机种子，可校验分配是否公平', en: 'The split is revealed once the packet ends; you can then check it' },
  fairnessOk: { zh: '校验通过：分配在发出时已确定，未被篡改', en: 'Verified: the split was fixed when the packet was sent' },
  fairnessFailed: { zh: '校验失败：公开的分配与承诺不一致', en: 'Failed: the revealed split does not match the commitment' },
  showCode: { zh: '出示红包码', en: 'Show code' },

  // collect
  collectTitle: { zh: '收款码', en: 'Collect code' },
  collectHint: { zh: '扫码向我付款', en: 'Scan to pay me' },
  paymentsLive: { zh: '收款记录（实时）', en: 'Payments (live)' },
  noPayments: { zh: '还没有收到付款', en: 'No payments yet' },
  paymentArrived: { zh: '收款到账 {amount}', en: 'Received {amount}' },
  paymentRow: { zh: '{name} 付款 {amount}', en: '{name} paid {amount}' },
  voiceOn: { zh: '语音播报已开启', en: 'Voice broadcast on' },
  voiceOff: { zh: '语音播报已关闭', en: 'Voice broadcast off' },
  collectQrLabel: { zh: '我的收款二维码', en: 'My collect QR code' },
  collectTitleDefault: { zh: '{name}的收款码', en: "{name}'s collect code" },

  // pay
  payTitle: { zh: '付款', en: 'Pay' },
  payTo: { zh: '付款给 {name}', en: 'Pay {name}' },
  payAmount: { zh: '付款金额（元）', en: 'Amount (yuan)' },
  payMessage: { zh: '留言', en: 'Message' },
  payScenes: { zh: '场景', en: 'Scene' },
  paySubmit: { zh: '付款 {amount}', en: 'Pay {amount}' },
  paid: { zh: '已付款 {amount}', en: 'Paid {amount}' },
  fixedAmount: { zh: '固定金额 {amount}', en: 'Fixed amount {amount}' },

  // history
  historyTitle: { zh: '账单记录', en: 'History' },
  tabSent: { zh: '发出的', en: 'Sent' },
  tabReceived: { zh: '收到的', en: 'Received' },
  tabPayments: { zh: '收付款', en: 'Payments' },
  emptyList: { zh: '暂无记录', en: 'Nothing here yet' },
  paymentIn: { zh: '收款', en: 'Received' },
  paymentOut: { zh: '付款', en: 'Paid' },
  loadMore: { zh: '加载更多', en: 'Load more' },

  // settings
  settingsTitle: { zh: '设置', en: 'Settings' },
  language: { zh: '语言', en: 'Language' },
  langZh: { zh: '中文', en: '中文' },
  langEn: { zh: 'English', en: 'English' },
  largeText: { zh: '大字模式', en: 'Large text' },
  voice: { zh: '收款语音播报', en: 'Voice broadcast' },
  account: { zh: '账号 {id}', en: 'Account {id}' },
  logout: { zh: '退出登录', en: 'Log out' },

  // modes and statuses used as labels
  on: { zh: '开', en: 'On' },
  off: { zh: '关', en: 'Off' },

  // errors not from the server
  networkError: { zh: '网络不给力，请检查网络后重试。', en: 'The network is unavailable. Check your connection and retry.' },
  unknownError: { zh: '出了点问题，请稍后再试。', en: 'Something went wrong. Please try again later.' },
  locationDenied: {
    zh: '这个码只能在指定区域内使用，需要你的位置才能继续。请允许获取位置后重试。',
    en: 'This code only works within an area, so it needs your location. Allow location access and retry.',
  },
  timeoutError: { zh: '请求超时，请稍后重试。', en: 'The request timed out. Please retry.' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof MESSAGES;
export type Params = Record<string, string | number>;

/** The message for `key` in `lang`, with `{name}` placeholders filled from `params`. */
export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  const template: string = MESSAGES[key][lang];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(MESSAGES, key);
}

export const ALL_MESSAGE_KEYS = Object.keys(MESSAGES) as MessageKey[];
