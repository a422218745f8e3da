/**
 * The one place the mini-program reaches into `@hongbao/protocol`. Plain modules are imported by
 * path, not through the package index, because the index also loads the TypeBox schemas and those
 * would add their runtime to the mini-program's main package for nothing.
 */
export { formatFen, parseYuan } from '@hongbao/protocol/src/money';
export { ERRORS, isErrorCode, type ErrorCode } from '@hongbao/protocol/src/errors';
export { SCENES, SCENE_INFO, clampRecommendation, type Scene } from '@hongbao/protocol/src/scenes';
export {
  CODE_REFRESH_SECONDS,
  DEFAULT_BANNED_WORDS,
  MAX_MESSAGE_LENGTH,
  TIER_POLICIES,
  type Tier,
} from '@hongbao/protocol/src/tiers';
