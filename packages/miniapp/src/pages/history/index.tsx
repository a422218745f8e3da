import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Screen } from '../../components/Screen';
import { useRequest } from '../../hooks/useRequest';
import { useT } from '../../hooks/useSettings';
import { paymentRows, shortTime } from '../../lib/history';
import type { MessageKey } from '../../lib/i18n';
import { spokenAmount } from '../../lib/money';
import { api } from '../../services/client';
import { routes } from '../../services/routes';

type Tab = 'sent' | 'received' | 'payments';
const TABS: Array<{ tab: Tab; label: MessageKey }> = [
  { tab: 'sent', label: 'tabSent' },
  { tab: 'received', label: 'tabReceived' },
  { tab: 'payments', label: 'tabPayments' },
];

/** Sent and received packets, and payments in and out. */
export default function History() {
  const { t, lang } = useT();
  const [tab, setTab] = useState<Tab>('sent');
  const packets = useRequest(
    (signal) => api((client) => client.packets.list({ role: tab === 'received' ? 'received' : 'sent', limit: 50 }, { signal })),
    [tab],
    tab !== 'payments',
  );
  const entries = useRequest((signal) => api((client) => client.wallet.entries({ limit: 100 }, { signal })), [tab], tab === 'payments');

  return (
    <Screen name="history">
      <View className="tabs" role="tablist" aria-label={t('historyTitle')}>
        {TABS.map((option) => (
          <Button
            key={option.tab}
            className={`tab${tab === option.tab ? ' tab--selected' : ''}`}
            role="tab"
            aria-selected={tab === option.tab}
            aria-label={t(option.label)}
            onClick={() => setTab(option.tab)}
          >
            {t(option.label)}
          </Button>
        ))}
      </View>
      <ErrorNotice error={tab === 'payments' ? entries.error : packets.error} onRetry={tab === 'payments' ? entries.reload : packets.reload} />
      <View className="card list" role="list" aria-label={t(TABS.find((option) => option.tab === tab)!.label)}>
        {tab !== 'payments'
          ? (packets.data?.data ?? []).map((packet) => (
              <Button
                key={packet.id}
                className="list-row"
                role="listitem"
                aria-label={`${tab === 'sent' ? packet.message : t('packetFrom', { name: packet.senderName })} ${spokenAmount(packet.total, lang)} ${packet.claimedCount}/${packet.count}`}
                onClick={() => Taro.navigateTo({ url: routes.detail(packet.id) })}
              >
                <View className="list-row__main">
                  <Text className="list-row__title">{tab === 'sent' ? packet.message : t('packetFrom', { name: packet.senderName })}</Text>
                  <Text className="list-row__meta">
                    {shortTime(packet.createdAt)} · {packet.claimedCount}/{packet.count}
                  </Text>
                </View>
                <Amount className="list-row__amount" fen={packet.total} />
              </Button>
            ))
          : paymentRows(entries.data?.data ?? []).map((row) => (
              <View
                key={row.id}
                className={`list-row payment-${row.direction}`}
                role="listitem"
                aria-label={`${row.direction === 'in' ? t('paymentIn') : t('paymentOut')} ${spokenAmount(row.amount, lang)}`}
              >
                <View className="list-row__main">
                  <Text className="list-row__title">{row.direction === 'in' ? t('paymentIn') : t('paymentOut')}</Text>
                  <Text className="list-row__meta">{shortTime(row.createdAt)}</Text>
                </View>
                <Amount className="list-row__amount" fen={row.amount} />
              </View>
            ))}
        {(tab === 'payments' ? !entries.loading && paymentRows(entries.data?.data ?? []).length === 0 : !packets.loading && (packets.data?.data.length ?? 0) === 0) ? (
          <Text className="hint">{t('emptyList')}</Text>
        ) : null}
      </View>
    </Screen>
  );
}
