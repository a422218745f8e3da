import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useMemo, useState } from 'react';
import type { Payment } from '@hongbao/sdk';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Screen } from '../../components/Screen';
import { useRequest } from '../../hooks/useRequest';
import { useT } from '../../hooks/useSettings';
import { randomId } from '../../lib/ids';
import { fenToInput, formatFen, parseYuan, spokenAmount } from '../../lib/money';
import { SCENE_INFO, SCENES, type Scene } from '../../lib/protocol';
import { withLocation } from '../../lib/location';
import { checkMessage } from '../../lib/validation';
import { api } from '../../services/client';
import { taroLocate } from '../../services/location';
import { deviceId } from '../../services/login';
import { param, routes } from '../../services/routes';
import { taroStorage } from '../../services/storage';

const newPaymentKeys = () => ({ plain: randomId('payment'), located: randomId('payment') });

/** The payer's side of a collect code: pick a scene preset or type an amount, add a message, pay. */
export default function Pay() {
  const router = useRouter();
  const token = param(router.params, 'token');
  const { t, lang } = useT();
  const resolved = useRequest((signal) => api((client) => client.codes.resolve(token!, { signal })), [token], !!token);
  const me = useRequest((signal) => api((client) => client.me.retrieve({ signal })), []);
  const collect = resolved.data?.collect ?? null;
  const [scene, setScene] = useState<Scene | null>(null);
  const [amountText, setAmountText] = useState('');
  const [message, setMessage] = useState('');
  const [paying, setPaying] = useState(false);
  const [payError, setPayError] = useState<unknown>();
  const [paid, setPaid] = useState<Payment | null>(null);
  // One key per payment on this screen, so a retried tap can never pay twice; a geofenced code's
  // second attempt (with the location) is a different request, so it has a key of its own.
  const [keys, setKeys] = useState(newPaymentKeys);
  const renewKeys = () => setKeys(newPaymentKeys());

  const amount = collect?.fixedAmount ?? parseYuan(amountText);
  const singleLimit = me.data?.usage.singleLimit ?? Infinity;
  const messageIssue = checkMessage(message);
  const amountIssue = useMemo(() => {
    if (collect?.fixedAmount) return null;
    if (amountText === '') return null;
    if (amount === null) return t('errAmountFormat');
    if (amount === 0) return t('errAmountZero');
    if (amount > singleLimit) return t('errSingleLimit', { limit: formatFen(singleLimit) });
    return null;
  }, [amount, amountText, collect?.fixedAmount, singleLimit, t]);

  const choosePreset = (name: Scene) => {
    setScene(name);
    const recommended = SCENE_INFO[name].recommended.min;
    setAmountText(fenToInput(Math.min(recommended, Number.isFinite(singleLimit) ? singleLimit : recommended)));
    setMessage(SCENE_INFO[name].defaultMessage);
    renewKeys();
  };

  const pay = async () => {
    if (!token || !amount || amountIssue || messageIssue || paying) return;
    setPaying(true);
    setPayError(undefined);
    try {
      const body = { token, amount: collect?.fixedAmount ? undefined : amount, message: message.trim() || undefined, deviceId: deviceId(taroStorage) };
      const payment = await api((client) =>
        withLocation(
          (location) => client.payments.create(location ? { ...body, location } : body, { idempotencyKey: location ? keys.located : keys.plain }),
          taroLocate,
        ),
      );
      setPaid(payment);
    } catch (error) {
      setPayError(error);
    } finally {
      setPaying(false);
    }
  };

  if (paid) {
    return (
      <Screen name="pay" announce={t('paid', { amount: spokenAmount(paid.amount, lang) })}>
        <View className="card pay-done" role="status">
          <Text className="section-title">{t('paid', { amount: formatFen(paid.amount) })}</Text>
          <Amount className="claim-result__amount" fen={paid.amount} />
          <Button className="btn action" aria-label={t('goHome')} onClick={() => Taro.reLaunch({ url: routes.home() })}>
            {t('goHome')}
          </Button>
        </View>
      </Screen>
    );
  }

  return (
    <Screen name="pay">
      <ErrorNotice error={resolved.error} />
      {collect ? (
        <View className="card pay-card">
          <Text className="section-title">{collect.title ?? t('payTo', { name: collect.ownerName })}</Text>
          {collect.fixedAmount ? (
            <Text className="fixed-amount">{t('fixedAmount', { amount: formatFen(collect.fixedAmount) })}</Text>
          ) : (
            <>
              <Text className="field-label">{t('payScenes')}</Text>
              <View className="chips" role="radiogroup" aria-label={t('payScenes')}>
                {SCENES.map((name) => (
                  <Button
                    key={name}
                    className={`chip scene-${name}${scene === name ? ' chip--selected' : ''}`}
                    role="radio"
                    aria-checked={scene === name}
                    aria-label={lang === 'zh' ? SCENE_INFO[name].name : SCENE_INFO[name].nameEn}
                    onClick={() => choosePreset(name)}
                  >
                    {lang === 'zh' ? SCENE_INFO[name].name : SCENE_INFO[name].nameEn}
                  </Button>
                ))}
              </View>
              <Text className="field-label">{t('payAmount')}</Text>
              <Input
                className="input amount-input"
                type="digit"
                value={amountText}
                placeholder={t('amountPlaceholder')}
                aria-label={t('payAmount')}
                onInput={(event) => {
                  setAmountText(event.detail.value);
                  renewKeys();
                }}
              />
              {amountIssue ? <Text className="field-error" role="alert">{amountIssue}</Text> : null}
            </>
          )}
          <Text className="field-label">{t('payMessage')}</Text>
          <Input
            className="input message-input"
            value={message}
            aria-label={t('payMessage')}
            onInput={(event) => {
              setMessage(event.detail.value);
              renewKeys();
            }}
          />
          {messageIssue ? <Text className="field-error" role="alert">{t(messageIssue.key, messageIssue.params)}</Text> : null}
          <ErrorNotice error={payError} />
          <Button
            className="btn btn--primary pay"
            aria-label={amount ? t('paySubmit', { amount: formatFen(amount) }) : t('payTitle')}
            disabled={!amount || !!amountIssue || !!messageIssue || paying}
            loading={paying}
            onClick={pay}
          >
            {amount ? t('paySubmit', { amount: formatFen(amount) }) : t('payTitle')}
          </Button>
        </View>
      ) : resolved.loading ? (
        <Text className="hint">{t('loading')}</Text>
      ) : null}
    </Screen>
  );
}
