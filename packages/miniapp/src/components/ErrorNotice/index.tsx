import { Button, View, Text } from '@tarojs/components';
import { useT } from '../../hooks/useSettings';

export interface ErrorNoticeProps {
  /** Whatever an SDK call threw; nothing renders while it is undefined. */
  error: unknown;
  /** Shows a retry button when given. */
  onRetry?: () => void;
}

/** A friendly, translated message for an error, with an optional retry. */
export function ErrorNotice({ error, onRetry }: ErrorNoticeProps) {
  const { t, explain } = useT();
  if (error === undefined || error === null) return null;
  const friendly = explain(error);
  return (
    <View className="error-notice" role="alert" data-code={friendly.code ?? friendly.kind}>
      <Text className="error-notice__text">{friendly.message}</Text>
      {onRetry ? (
        <Button className="btn btn--small" aria-label={t('retry')} onClick={onRetry}>
          {t('retry')}
        </Button>
      ) : null}
    </View>
  );
}
