/** Scenes carry recommended amounts and default messages; recommendations clamp to tier limits. */

export const SCENES = ['general', 'birthday', 'wedding', 'new-year', 'thanks', 'marketing'] as const;
export type Scene = (typeof SCENES)[number];

export interface SceneInfo {
  scene: Scene;
  /** Chinese display name. */
  name: string;
  nameEn: string;
  /** Recommended total range, fen, before clamping. */
  recommended: { min: number; max: number };
  defaultMessage: string;
}

export const SCENE_INFO: Readonly<Record<Scene, SceneInfo>> = {
  general: { scene: 'general', name: '普通红包', nameEn: 'General', recommended: { min: 100, max: 5_000 }, defaultMessage: '恭喜发财，大吉大利' },
  birthday: { scene: 'birthday', name: '生日快乐', nameEn: 'Birthday', recommended: { min: 6_600, max: 18_800 }, defaultMessage: '生日快乐，万事如意' },
  wedding: { scene: 'wedding', name: '新婚大喜', nameEn: 'Wedding', recommended: { min: 20_000, max: 50_000 }, defaultMessage: '百年好合，早生贵子' },
  'new-year': { scene: 'new-year', name: '新年快乐', nameEn: 'New Year', recommended: { min: 888, max: 8_888 }, defaultMessage: '新年快乐，红包拿来' },
  thanks: { scene: 'thanks', name: '感谢有你', nameEn: 'Thanks', recommended: { min: 520, max: 5_200 }, defaultMessage: '谢谢你，辛苦啦' },
  marketing: { scene: 'marketing', name: '营销活动', nameEn: 'Marketing', recommended: { min: 100, max: 1_000 }, defaultMessage: '感谢参与，好运连连' },
};

/**
 * A scene's recommended range clamped to what the sender may actually send in one packet.
 * @example clampRecommendation('wedding', 20_000) // {min: 20000, max: 20000} for a personal account
 */
export function clampRecommendation(scene: Scene, singleLimit: number): { min: number; max: number } {
  const { min, max } = SCENE_INFO[scene].recommended;
  const clampedMax = Math.min(max, singleLimit);
  return { min: Math.min(min, clampedMax), max: clampedMax };
}
