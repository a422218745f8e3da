import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Screen } from '../../components/Screen';
import { useRequest } from '../../hooks/useRequest';
import { useT } from '../../hooks/useSettings';
import { tokenFromText } from '../../lib/codeUrl';
import { bodyOf } from '../../lib/drafts';
import { formatFen } from '../../lib/money';
import { api } from '../../services/client';
import { drafts } from '../../services/drafts';
import { routes } from '../../services/routes';

const DEV_TOPUP_FEN = 10_000;

export default function Home() {
  const { t, explain } = useT();
  const me = useRequest((signal) => api((client) => client.me.retrieve({ signal })), []);
  const [draft, setDraft] = useState(() => (drafts.hasResumable() ? drafts.load() : null));
  const [scanText, setScanText] = useState('');
  const [notice, setNotice] = useState('');
  const [actionError, setActionError] = useState<unknown>();

  useDidShow(() => {
    setDraft(drafts.hasResumable() ? drafts.load() : null);
    me.reload();
  });

  const topup = async () => {
    setActionError(undefined);
    try {
      await api((client) => client.wallet.topup({ amount: DEV_TOPUP_FEN }));
      setNotice(t('toppedUp', { amount: formatFen(DEV_TOPUP_FEN) }));
      me.reload();
    } catch (error) {
      setActionError(error);
    }
  };

  const openCode = (text: string) => {
    const token = tokenFromText(text);
    if (!token) {
      setNotice(t('scanInvalid'));
      return;
    }
    void Taro.navigateTo({ url: routes.claimByToken(token) });
  };

  const scan = async () => {
    try {
      const result = await Taro.scanCode({ onlyFromCamera: false, scanType: ['qrCode'] });
      openCode(result.result);
    } catch (error) {
      if (!/cancel/i.test(String((error as { errMsg?: string })?.errMsg ?? ''))) setNotice(explain(error).message);
    }
  };

  const draftBody = draft ? bodyOf(draft) : null;
  const user = me.data?.user;
  return (
    <Screen name="home" announce={notice}>
      <View className="hero">
        {user ? <Text className="hero__greeting">{t('greeting', { name: user.name })}</Text> : null}
        <Text className="hero__label">{t('balance')}</Text>
        {me.data ? <Amount className="hero__balance" fen={me.data.wallet.balance} /> : <Text className="hero__balance">{t('loading')}</Text>}
        {HONGBAO_LOGIN === 'dev' ? (
          <Button className="btn btn--ghost btn--small topup" aria-label={t('topup')} onClick={topup}>
            {t('topup')}
          </Button>
        ) : null}
      </View>
      <ErrorNotice error={me.error ?? actionError} onRetry={me.reload} />

      {draft ? (
        <View className="card draft-offer" role="region" aria-label={t('draftOffer')}>
          <Text>{t('continueDraft', { amount: draftBody ? formatFen(draftBody.total) : '—' })}</Text>
          <View className="row">
            <Button className="btn btn--primary btn--small" aria-label={t('continueDraftAction')} onClick={() => Taro.navigateTo({ url: routes.send() })}>
              {t('continueDraftAction')}
            </Button>
            <Button
              className="btn btn--ghost btn--small"
              aria-label={t('discardDraft')}
              onClick={() => {
                drafts.discard();
                setDraft(null);
              }}
            >
              {t('discardDraft')}
            </Button>
          </View>
        </View>
      ) : null}

      <View className="actions">
        <Button className="btn btn--primary action" aria-label={t('sendPacket')} onClick={() => Taro.navigateTo({ url: routes.send() })}>
          🧧 {t('sendPacket')}
        </Button>
        <Button className="btn action" aria-label={t('collectCode')} onClick={() => Taro.navigateTo({ url: routes.collect() })}>
          💰 {t('collectCode')}
        </Button>
        {process.env.TARO_ENV === 'weapp' ? (
          <Button className="btn action" aria-label={t('scan')} onClick={scan}>
            📷 {t('scan')}
          </Button>
        ) : null}
        <Button className="btn action" aria-label={t('history')} onClick={() => Taro.navigateTo({ url: routes.history() })}>
          📒 {t('history')}
        </Button>
        <Button className="btn action" aria-label={t('settings')} onClick={() => Taro.navigateTo({ url: routes.settings() })}>
          ⚙️ {t('settings')}
        </Button>
      </View>

      {process.env.TARO_ENV !== 'weapp' ? (
        <View className="card scan-paste">
          <Text className="section-title">{t('scan')}</Text>
          <Input
            className="input"
            value={scanText}
            placeholder={t('scanPastePlaceholder')}
            aria-label={t('scanPasteLabel')}
            onInput={(event) => setScanText(event.detail.value)}
            onConfirm={() => openCode(scanText)}
          />
          <Button className="btn btn--small" aria-label={t('scanOpen')} onClick={() => openCode(scanText)}>
            {t('scanOpen')}
          </Button>
        </View>
      ) : null}
      {notice ? <Text className="notice">{notice}</Text> : null}
    </Screen>
  );
}
