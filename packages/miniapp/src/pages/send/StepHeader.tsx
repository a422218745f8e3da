import { Text, View } from '@tarojs/components';
import { useT } from '../../hooks/useSettings';
import type { MessageKey } from '../../lib/i18n';

const STEP_TITLES: MessageKey[] = ['step1', 'step2', 'step3', 'step4'];

/** "Step 2 of 4 · Amount and count", with the four steps as a progress strip. */
export function StepHeader({ step }: { step: number }) {
  const { t } = useT();
  return (
    <View className="steps" aria-label={`${t('stepOf', { step })} ${t(STEP_TITLES[step - 1]!)}`}>
      <Text className="steps__label">
        {t('stepOf', { step })} · {t(STEP_TITLES[step - 1]!)}
      </Text>
      <View className="steps__bar">
        {STEP_TITLES.map((key, index) => (
          <View key={key} className={`steps__dot${index < step ? ' steps__dot--done' : ''}`} />
        ))}
      </View>
    </View>
  );
}
