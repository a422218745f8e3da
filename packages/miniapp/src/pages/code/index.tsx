import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter, useShareAppMessage, useShareTimeline } from '@tarojs/taro';
import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { MomentsPreview } from '../../components/MomentsPreview';
import { QrCode } from '../../components/QrCode';
import { Screen } from '../../components/Screen';
import { useCountdown } from '../../hooks/useCountdown';
import { useDynamicCode } from '../../hooks/useDynamicCode';
import { useSinglePageMode } from '../../hooks/useLaunchScene';
import { useRequest } from '../../hooks/useRequest';
import { useT } from '../../hooks/useSettings';
import { errorCodeOf } from '../../lib/errors';
import { chatShare, momentsPreview, momentsShare } from '../../lib/share';
import { api } from '../../services/client';
import { param, routes } from '../../services/routes';
import { taroStorage } from '../../services/storage';

const codeKey = (packetId: string) => `hongbao.claimCode.${packetId}`;

/** The sender shows a packet's dynamic claim code; it refreshes itself and can be revoked or shared. */
export default function CodePage() {
  const router = useRouter();
  const singlePage = useSinglePageMode();
  if (singlePage) {
    const preview = momentsPreview(router.params);
    return (
      <Screen name="code">
        <MomentsPreview sender={preview.sender} message={preview.message} />
      </Screen>
    );
  }
  return <CodeView packetId={param(router.params, 'packetId')} />;
}

function CodeView({ packetId }: { packetId: string | null }) {
  const { t, lang } = useT();
  const [actionError, setActionError] = useState<unknown>();
  const packet = useRequest((signal) => api((client) => client.packets.retrieve(packetId!, {}, { signal })), [packetId], !!packetId);

  const dynamic = useDynamicCode(
    (signal) =>
      api(async (client) => {
        const stored = taroStorage.get(codeKey(packetId!));
        if (typeof stored === 'string') {
          try {
            return await client.codes.refresh(stored, { signal });
          } catch (error) {
            const code = errorCodeOf(error);
            if (code !== 'NOT_FOUND' && code !== 'CODE_REVOKED' && code !== 'FORBIDDEN') throw error;
          }
        }
        const issued = await client.codes.issue(packetId!, {}, { signal });
        taroStorage.set(codeKey(packetId!), issued.id);
        return issued;
      }),
    packetId,
  );
  const secondsLeft = useCountdown(dynamic.code?.refreshAt);

  const shared = packet.data ? { id: packet.data.id, senderName: packet.data.senderName, message: packet.data.message } : null;
  useShareAppMessage(() => (shared ? chatShare(shared, lang) : { title: t('appName'), path: routes.home() }));
  useShareTimeline(() => (shared ? momentsShare(shared, lang) : { title: t('appName') }));

  const revoke = async () => {
    setActionError(undefined);
    try {
      await dynamic.revoke();
      taroStorage.remove(codeKey(packetId!));
    } catch (error) {
      setActionError(error);
    }
  };

  return (
    <Screen name="code" announce={dynamic.revoked ? t('revoked') : undefined}>
      <View className="card code-card">
        <Text className="section-title">{t('codeTitle')}</Text>
        {packet.data ? <Text className="code-card__message">“{packet.data.message}”</Text> : null}
        {dynamic.revoked ? (
          <Text className="revoked" role="alert">
            {t('revoked')}
          </Text>
        ) : dynamic.code ? (
          <>
            <View className="qr-frame">
              <QrCode text={dynamic.code.url} label={t('qrLabel', { url: dynamic.code.url })} />
            </View>
            <Text className="hint">{t('codeHint')}</Text>
            <Text className="countdown" aria-live="off">
              {secondsLeft !== null && secondsLeft > 0 ? t('refreshIn', { seconds: secondsLeft }) : t('refreshing')}
            </Text>
          </>
        ) : (
          <Text className="hint">{t('loading')}</Text>
        )}
        <ErrorNotice error={dynamic.error ?? actionError ?? packet.error} onRetry={dynamic.refreshNow} />
      </View>
      <View className="actions">
        {!dynamic.revoked ? (
          <>
            {process.env.TARO_ENV === 'weapp' ? (
              <Button className="btn btn--primary action" openType="share" aria-label={t('shareToChat')}>
                {t('shareToChat')}
              </Button>
            ) : null}
            <Button className="btn action refresh" aria-label={t('refreshNow')} onClick={dynamic.refreshNow}>
              {t('refreshNow')}
            </Button>
            <Button className="btn btn--danger action revoke" aria-label={t('revoke')} onClick={revoke}>
              {t('revoke')}
            </Button>
          </>
        ) : null}
        {packetId ? (
          <Button className="btn action view-detail" aria-label={t('viewDetail')} onClick={() => Taro.navigateTo({ url: routes.detail(packetId) })}>
            {t('viewDetail')}
          </Button>
        ) : null}
      </View>
    </Screen>
  );
}
