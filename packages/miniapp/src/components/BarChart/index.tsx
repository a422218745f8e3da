import { View, Text } from '@tarojs/components';
import type { SplitChart } from '../../lib/chart';
import { formatFen, spokenAmount } from '../../lib/money';
import { useT } from '../../hooks/useSettings';

export interface BarChartProps {
  chart: SplitChart;
  title: string;
}

/** A horizontal bar chart of a packet's split; each bar is labelled for screen readers. */
export function BarChart({ chart, title }: BarChartProps) {
  const { t, lang } = useT();
  return (
    <View className="bar-chart" role="list" aria-label={title}>
      <Text className="section-title">{title}</Text>
      {chart.bars.map((bar) => (
        <View
          key={bar.id}
          className={`bar-chart__row${bar.luckiest ? ' bar-chart__row--luckiest' : ''}${bar.claimed ? '' : ' bar-chart__row--open'}`}
          role="listitem"
          aria-label={`${bar.label} ${spokenAmount(bar.amount, lang)}${bar.luckiest ? ` ${t('luckiest')}` : ''}`}
        >
          <Text className="bar-chart__label">{bar.label}</Text>
          <View className="bar-chart__track">
            <View className="bar-chart__bar" style={{ width: `${Math.max(2, Math.round(bar.ratio * 100))}%` }} />
          </View>
          <Text className="bar-chart__value">
            {formatFen(bar.amount)}
            {bar.luckiest ? ' 👑' : ''}
          </Text>
        </View>
      ))}
      {chart.unclaimedCount > 0 && chart.bars.every((bar) => bar.claimed) ? (
        <Text className="bar-chart__rest">{t('chartUnclaimed', { count: chart.unclaimedCount, amount: formatFen(chart.unclaimedAmount) })}</Text>
      ) : null}
    </View>
  );
}
