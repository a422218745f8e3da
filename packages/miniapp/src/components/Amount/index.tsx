import { Text } from '@tarojs/components';
import { formatFen, spokenAmount } from '../../lib/money';
import { useT } from '../../hooks/useSettings';

export interface AmountProps {
  /** Integer fen. */
  fen: number;
  className?: string;
}

/** An amount as `¥12.34`, read out as "12.34元" / "12.34 yuan" by screen readers. */
export function Amount({ fen, className }: AmountProps) {
  const { lang } = useT();
  return (
    <Text className={`amount ${className ?? ''}`} aria-label={spokenAmount(fen, lang)}>
      {formatFen(fen)}
    </Text>
  );
}
