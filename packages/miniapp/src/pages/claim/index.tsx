import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter, useShareAppMessage, useShareTimeline } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import type { ClaimResult } from '@hongbao/sdk';
import { Amount } from '../../components/Amount';
import { MomentsPreview } from '../../components/MomentsPreview';
import { Screen } from '../../components/Screen';
import { useSinglePageMode } from '../../hooks/useLaunchScene';
import { useRequest } from '../../hooks/useRequest';
import { useT } from '../../hooks/useSettings';
import { describeError, earlierClaimOf } from '../../lib/errors';
import { withLocation } from '../../lib/location';
import { formatFen, spokenAmount } from '../../lib/money';
import { chatShare, momentsPreview, momentsShare } from '../../lib/share';
import { api } from '../../services/client';
import { taroLocate } from '../../services/location';
import { deviceId } from '../../services/login';
import { param, routes } from '../../services/routes';
import { taroStorage } from '../../services/storage';

type Phase =
  | { kind: 'cover' }
  | { kind: 'opening' }
  | { kind: 'claimed'; result: ClaimResult }
  | { kind: 'already'; amount: number; packetId?: string }
  | { kind: 'failed'; code: string; message: string; retryable?: boolean };

/** Minimum time the envelope spins, so the open animation is seen even on a fast network. */
const OPEN_ANIMATION_MS = 900;

/**
 * Claiming: from a share card (`packetId`), a scanned code or a `/c/<token>` link (`token`). The
 * cover shows who sent it; "開" plays the open animation while claiming; then the amount. Claiming
 * never depends on sharing.
 */
export default function ClaimPage() {
  const router = useRouter();
  const singlePage = useSinglePageMode();
  if (singlePage) {
    const preview = momentsPreview(router.params);
    return (
      <Screen name="claim">
        <MomentsPreview sender={preview.sender} message={preview.message} />
      </Screen>
    );
  }
  return <ClaimView token={param(router.params, 'token')} packetId={param(router.params, 'packetId')} />;
}

function ClaimView({ token, packetId }: { token: string | null; packetId: string | null }) {
  const { t, lang } = useT();
  const [phase, setPhase] = useState<Phase>({ kind: 'cover' });
  const [announcement, setAnnouncement] = useState('');

  const resolved = useRequest((signal) => api((client) => client.codes.resolve(token!, { signal })), [token], !!token);
  const cover = resolved.data?.packet;

  useEffect(() => {
    if (resolved.data?.collect && token) void Taro.redirectTo({ url: routes.pay(token) });
  }, [resolved.data, token]);

  useEffect(() => {
    if (!resolved.error) return;
    const friendly = describeError(resolved.error, lang);
    setPhase({ kind: 'failed', code: friendly.code ?? friendly.kind, message: friendly.message });
  }, [resolved.error, lang]);

  const claimedPacket = phase.kind === 'claimed' ? phase.result.packet : null;
  const shareable = claimedPacket ?? (cover ? { id: cover.id, senderName: cover.senderName, message: cover.message } : null);
  useShareAppMessage(() => (shareable ? chatShare({ id: shareable.id, senderName: shareable.senderName, message: shareable.message }, lang) : { title: t('appName'), path: routes.home() }));
  useShareTimeline(() => (shareable ? momentsShare({ id: shareable.id, senderName: shareable.senderName, message: shareable.message }, lang) : { title: t('appName') }));

  const open = async () => {
    if (phase.kind === 'opening') return;
    setPhase({ kind: 'opening' });
    setAnnouncement(t('opening'));
    const started = Date.now();
    const settle = (next: Phase) => setTimeout(() => setPhase(next), Math.max(0, OPEN_ANIMATION_MS - (Date.now() - started)));
    try {
      const target = token ? { token } : { packetId: packetId! };
      const result = await api((client) =>
        withLocation((location) => client.claims.create({ ...target, deviceId: deviceId(taroStorage), ...(location ? { location } : {}) }), taroLocate),
      );
      setAnnouncement(t('claimedAnnounce', { amount: spokenAmount(result.claim.amount, lang), message: result.packet.message }));
      settle({ kind: 'claimed', result });
    } catch (error) {
      const earlier = earlierClaimOf(error);
      if (earlier) {
        setAnnouncement(t('alreadyClaimed', { amount: spokenAmount(earlier.amount, lang) }));
        settle({ kind: 'already', amount: earlier.amount, packetId: earlier.packetId ?? cover?.id ?? packetId ?? undefined });
        return;
      }
      const friendly = describeError(error, lang);
      setAnnouncement(friendly.message);
      // Refusing the location prompt is the one failure a second tap can fix.
      settle({ kind: 'failed', code: friendly.code ?? friendly.kind, message: friendly.message, retryable: friendly.kind === 'location' });
    }
  };

  if (!token && !packetId) {
    return (
      <Screen name="claim">
        <Text className="claim-failed" role="alert" data-code="NO_TOKEN">
          {t('noToken')}
        </Text>
      </Screen>
    );
  }

  const detailId = phase.kind === 'claimed' ? phase.result.packet.id : phase.kind === 'already' ? phase.packetId : undefined;
  return (
    <Screen name="claim" announce={announcement}>
      <View className={`envelope envelope--${phase.kind}`} data-ready={!token || !!cover ? 'true' : 'false'}>
        <Text className="envelope__from">{t('packetFrom', { name: cover?.senderName ?? claimedPacket?.senderName ?? '' })}</Text>
        <Text className="envelope__message">{cover?.message ?? claimedPacket?.message ?? ''}</Text>

        {phase.kind === 'cover' || phase.kind === 'opening' ? (
          <Button
            className={`open-button${phase.kind === 'opening' ? ' open-button--spinning' : ''}`}
            aria-label={phase.kind === 'opening' ? t('opening') : t('openPacketLabel')}
            disabled={phase.kind === 'opening' || (!!token && !cover && !resolved.error)}
            onClick={open}
          >
            {t('openPacket')}
          </Button>
        ) : null}

        {phase.kind === 'claimed' ? (
          <View className="claim-result" role="status">
            <Text className="claim-result__label">{t('claimedAmount', { amount: formatFen(phase.result.claim.amount) })}</Text>
            <Amount className="claim-result__amount" fen={phase.result.claim.amount} />
            <Text className="hint">{t('claimAddedToBalance')}</Text>
            {phase.result.packet.luckiest ? (
              <Text className="luckiest">{t('luckiestIs', { name: phase.result.packet.luckiest.name, amount: formatFen(phase.result.packet.luckiest.amount) })}</Text>
            ) : null}
          </View>
        ) : null}

        {phase.kind === 'already' ? (
          <View className="claim-result claim-result--already" role="status">
            <Text className="claim-result__label">{t('alreadyClaimed', { amount: formatFen(phase.amount) })}</Text>
            <Amount className="claim-result__amount" fen={phase.amount} />
          </View>
        ) : null}

        {phase.kind === 'failed' ? (
          <Text className="claim-failed" role="alert" data-code={phase.code}>
            {phase.message}
          </Text>
        ) : null}
        {phase.kind === 'failed' && phase.retryable ? (
          <View className="location-ask">
            <Button className="btn btn--small location-retry" aria-label={t('locationRetry')} onClick={open}>
              {t('locationRetry')}
            </Button>
          </View>
        ) : null}
      </View>

      <View className="actions">
        {detailId ? (
          <Button className="btn action view-detail" aria-label={t('viewDetail')} onClick={() => Taro.navigateTo({ url: routes.detail(detailId) })}>
            {t('viewDetail')}
          </Button>
        ) : null}
        <Button className="btn btn--ghost action" aria-label={t('goHome')} onClick={() => Taro.reLaunch({ url: routes.home() })}>
          {t('goHome')}
        </Button>
      </View>
    </Screen>
  );
}
