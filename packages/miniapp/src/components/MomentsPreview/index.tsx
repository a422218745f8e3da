import { Text, View } from '@tarojs/components';
import { useT } from '../../hooks/useSettings';

export interface MomentsPreviewProps {
  sender: string;
  message: string;
}

/**
 * What a page opened from Moments shows. WeChat opens it in single-page mode, where the app cannot
 * log in or claim, so this shows the packet from the shared query and tells the person how to
 * reach the full mini-program (WeChat's own "前往小程序" bar at the bottom).
 */
export function MomentsPreview({ sender, message }: MomentsPreviewProps) {
  const { t } = useT();
  return (
    <View className="moments" role="region" aria-label={t('momentsTitle')}>
      <View className="envelope envelope--small">
        <Text className="envelope__from">{t('packetFrom', { name: sender || '🧧' })}</Text>
        <Text className="envelope__message">{message}</Text>
      </View>
      <Text className="moments__explain">{t('momentsExplain')}</Text>
      <Text className="moments__steps">{t('momentsSteps')}</Text>
    </View>
  );
}
