import { Switch, Text, View } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';
import type { Payment } from '@hongbao/sdk';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { QrCode } from '../../components/QrCode';
import { Screen } from '../../components/Screen';
import { useCountdown } from '../../hooks/useCountdown';
import { useDynamicCode } from '../../hooks/useDynamicCode';
import { usePageVisible } from '../../hooks/usePageVisible';
import { useSettings, useT } from '../../hooks/useSettings';
import { paymentAnnouncement } from '../../lib/announce';
import { errorCodeOf } from '../../lib/errors';
import { shortTime } from '../../lib/history';
import { formatFen, spokenAmount } from '../../lib/money';
import { announcer } from '../../services/announcer';
import { api } from '../../services/client';
import { COLLECT_CODE_KEY, taroStorage } from '../../services/storage';

/** The owner's collect code: a refreshing QR, payments arriving live, each announced by voice. */
export default function Collect() {
  const { t, lang } = useT();
  const [settings, updateSettings] = useSettings();
  const visible = usePageVisible();
  const [payments, setPayments] = useState<Payment[]>([]);
  const [paymentsError, setPaymentsError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState('');
  const [lastArrival, setLastArrival] = useState<Payment | null>(null);
  const voice = useRef(settings.voice);
  voice.current = settings.voice;
  const language = useRef(lang);
  language.current = lang;

  const dynamic = useDynamicCode(
    (signal) =>
      api(async (client) => {
        const stored = taroStorage.get(COLLECT_CODE_KEY);
        if (typeof stored === 'string') {
          try {
            return await client.collectCodes.retrieve(stored, {}, { signal });
          } catch (error) {
            const code = errorCodeOf(error);
            if (code !== 'NOT_FOUND' && code !== 'CODE_REVOKED' && code !== 'FORBIDDEN') throw error;
          }
        }
        const created = await client.codes.createCollect({}, { signal });
        taroStorage.set(COLLECT_CODE_KEY, created.id);
        return created;
      }),
    'collect',
  );
  const codeId = dynamic.code?.id;
  const secondsLeft = useCountdown(dynamic.code?.refreshAt);

  useEffect(() => {
    if (!codeId || !visible) return undefined;
    let stopped = false;
    let stop: (() => void) | undefined;
    void api(async (client) => {
      const first = await client.collectCodes.payments(codeId, { limit: 20 });
      if (stopped) return;
      setPayments(first.data);
      const subscription = client.collectCodes.onPayment(codeId, (payment) => {
        if (stopped) return;
        setPayments((current) => (current.some((known) => known.id === payment.id) ? current : [payment, ...current]));
        const text = paymentAnnouncement(payment.amount, language.current);
        setAnnouncement(text);
        setLastArrival(payment);
        if (voice.current) announcer().announce(text, language.current);
      });
      stop = subscription.stop;
      subscription.done.catch((error: unknown) => !stopped && setPaymentsError(error));
    }).catch((error: unknown) => !stopped && setPaymentsError(error));
    return () => {
      stopped = true;
      stop?.();
    };
  }, [codeId, visible]);

  return (
    <Screen name="collect" announce={announcement}>
      <View className="card code-card">
        <Text className="section-title">{t('collectTitle')}</Text>
        {dynamic.code ? (
          <>
            <View className="qr-frame">
              <QrCode text={dynamic.code.url} label={t('collectQrLabel')} />
            </View>
            <Text className="hint">{t('collectHint')}</Text>
            <Text className="countdown">{secondsLeft !== null && secondsLeft > 0 ? t('refreshIn', { seconds: secondsLeft }) : t('refreshing')}</Text>
          </>
        ) : (
          <Text className="hint">{t('loading')}</Text>
        )}
        <ErrorNotice error={dynamic.error} onRetry={dynamic.refreshNow} />
      </View>

      <View className="card setting-row">
        <Text>{t('voice')}</Text>
        <Switch checked={settings.voice} aria-label={t('voice')} color="#d93a2b" onChange={(event) => updateSettings({ voice: event.detail.value })} />
      </View>

      <View className="card payments" role="list" aria-label={t('paymentsLive')}>
        <Text className="section-title">{t('paymentsLive')}</Text>
        <ErrorNotice error={paymentsError} />
        {payments.length === 0 ? <Text className="hint">{t('noPayments')}</Text> : null}
        {payments.map((payment) => (
          <View key={payment.id} className="payment-row" role="listitem" aria-label={t('paymentRow', { name: payment.payerName, amount: spokenAmount(payment.amount, lang) })}>
            <View className="payment-row__who">
              <Text className="payment-row__name">{payment.payerName}</Text>
              {payment.message ? <Text className="payment-row__message">{payment.message}</Text> : null}
              <Text className="payment-row__time">{shortTime(payment.createdAt)}</Text>
            </View>
            <Amount className="payment-row__amount" fen={payment.amount} />
          </View>
        ))}
        {lastArrival ? (
          // Shown, not announced: the page's live region already speaks it (spoken amount wording).
          <Text className="last-arrival">
            {t('paymentArrived', { amount: formatFen(lastArrival.amount) })}
          </Text>
        ) : null}
      </View>
    </Screen>
  );
}
