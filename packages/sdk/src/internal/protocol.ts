/**
 * The one place the SDK reaches into `@hongbao/protocol`. It imports the protocol's plain modules
 * (money, signing, errors, tiers) by path rather than the package index, because the index also
 * loads the TypeBox schemas, and those would drag the TypeBox runtime into every app that uses the
 * SDK. The build bundles these few functions and constants; the SDK has no runtime dependency on
 * the protocol package.
 */
export { formatFen } from '@hongbao/protocol/src/money';
export { canonicalRequest, fairnessPreimage, formatAuthorization, SIGNATURE_WINDOW_SECONDS, WEBHOOK_SIGNATURE_HEADER } from '@hongbao/protocol/src/signing';
export { MAX_WAIT_SECONDS } from '@hongbao/protocol/src/tiers';
export type { ErrorCode } from '@hongbao/protocol/src/errors';
export type { Scene } from '@hongbao/protocol/src/scenes';
export type { Tier } from '@hongbao/protocol/src/tiers';
