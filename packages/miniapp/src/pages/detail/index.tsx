import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter, useShareAppMessage } from '@tarojs/taro';
import { useMemo } from 'react';
import { verifyFairness, type Packet } from '@hongbao/sdk';
import { Amount } from '../../components/Amount';
import { BarChart } from '../../components/BarChart';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Screen } from '../../components/Screen';
import { usePoll } from '../../hooks/usePoll';
import { useRequest } from '../../hooks/useRequest';
import { useT } from '../../hooks/useSettings';
import { claimsChart, revealedChart } from '../../lib/chart';
import { checkFairness } from '../../lib/fairness';
import { shortTime } from '../../lib/history';
import { formatFen, spokenAmount } from '../../lib/money';
import { chatShare } from '../../lib/share';
import { api, currentUser } from '../../services/client';
import { param, routes } from '../../services/routes';

const ended = (packet: Packet) => packet.status !== 'active';

/** A packet's progress (live), its claims, the luckiest, refunds, the split chart and the fairness check. */
export default function Detail() {
  const router = useRouter();
  const id = param(router.params, 'id');
  const { t, lang } = useT();

  const live = usePoll((query, signal) => api((client) => client.packets.retrieve(id!, query, { signal, timeout: 40_000 })), [id], {
    enabled: !!id,
    until: (packet) => ended(packet) && packet.status !== 'expired',
  });
  const packet = live.data;
  const claims = useRequest((signal) => api((client) => client.packets.claims(id!, { limit: 100 }, { signal })), [id, packet?.claimedCount], !!packet);
  const revealed = !!packet && ended(packet);
  const fairness = useRequest((signal) => api((client) => client.packets.fairness(id!, { signal })), [id, revealed], revealed);

  useShareAppMessage(() => (packet ? chatShare({ id: packet.id, senderName: packet.senderName, message: packet.message }, lang) : { title: t('appName'), path: routes.home() }));

  const claimList = claims.data?.data ?? [];
  const luckiest = claims.data?.luckiest ?? packet?.luckiest ?? null;
  const chart = useMemo(() => {
    if (!packet) return null;
    if (fairness.data && claimList.length === packet.claimedCount) return revealedChart(fairness.data.shares, packet.claimedCount);
    return claimsChart(claimList, packet, luckiest?.claimId ?? null);
  }, [packet, claimList, fairness.data, luckiest?.claimId]);
  const verdict =
    packet && fairness.data && claims.data
      ? checkFairness(
          { commitment: packet.commitment, total: packet.total, salt: fairness.data.salt, shares: fairness.data.shares, claimedAmounts: claimList.map((claim) => claim.amount) },
          verifyFairness,
        )
      : null;

  if (!id) return <Screen name="detail"><Text role="alert">{t('noToken')}</Text></Screen>;

  const progressText = packet
    ? t('progress', { claimed: packet.claimedCount, count: packet.count, amount: formatFen(packet.claimedAmount), total: formatFen(packet.total) })
    : '';
  return (
    <Screen name="detail" announce={progressText}>
      <ErrorNotice error={live.error} />
      {packet ? (
        <>
          <View className="card detail-head">
            <Text className="detail-head__from">{t('packetFrom', { name: packet.senderName })}</Text>
            <Text className="detail-head__message">“{packet.message}”</Text>
            <Amount className="detail-head__total" fen={packet.total} />
            <Text className="progress" data-claimed={packet.claimedCount} data-count={packet.count}>
              {progressText}
            </Text>
            <View className="progress-bar" aria-hidden="true">
              <View className="progress-bar__fill" style={{ width: `${Math.round((packet.claimedCount / Math.max(1, packet.count)) * 100)}%` }} />
            </View>
            <Text className={`status status--${packet.status}`}>{statusText(packet, t)}</Text>
            {packet.status === 'active' ? <Text className="hint live-hint">{t('progressLive')}</Text> : null}
          </View>

          {luckiest ? (
            <View className="card luckiest-card" aria-label={`${t('luckiest')} ${luckiest.name} ${spokenAmount(luckiest.amount, lang)}`}>
              <Text className="luckiest">
                👑 {t('luckiest')}：{luckiest.name} {formatFen(luckiest.amount)}
              </Text>
            </View>
          ) : null}

          <View className="card claims" role="list" aria-label={t('detailTitle')}>
            {claimList.length === 0 ? <Text className="hint">{t('noClaims')}</Text> : null}
            {claimList.map((claim) => (
              <View
                key={claim.id}
                className={`claim-row${luckiest?.claimId === claim.id ? ' claim-row--luckiest' : ''}`}
                role="listitem"
                aria-label={t('claimRow', { name: claim.name, amount: spokenAmount(claim.amount, lang) })}
              >
                <Text className="claim-row__name">{claim.name}</Text>
                <Text className="claim-row__time">{shortTime(claim.createdAt)}</Text>
                <Text className="claim-row__amount" data-fen={claim.amount}>
                  {formatFen(claim.amount)}
                </Text>
                {luckiest?.claimId === claim.id ? <Text className="claim-row__badge">{t('luckiest')}</Text> : null}
              </View>
            ))}
          </View>

          {chart && chart.bars.length > 0 ? (
            <View className="card">
              <BarChart chart={chart} title={t('chartTitle')} />
            </View>
          ) : null}

          <View className="card fairness" aria-label={t('fairness')}>
            <Text className="section-title">{t('fairness')}</Text>
            <Text className={`fairness__result fairness--${verdict ?? 'pending'}`}>
              {verdict === null ? t('fairnessPending') : verdict === 'ok' ? `✅ ${t('fairnessOk')}` : `⚠️ ${t('fairnessFailed')}`}
            </Text>
          </View>

          {packet.status === 'active' && packet.senderId === currentUser()?.id ? (
            <Button className="btn action" aria-label={t('showCode')} onClick={() => Taro.navigateTo({ url: routes.code(packet.id) })}>
              {t('showCode')}
            </Button>
          ) : null}
        </>
      ) : (
        <Text className="hint">{t('loading')}</Text>
      )}
    </Screen>
  );
}

function statusText(packet: Packet, t: ReturnType<typeof useT>['t']): string {
  switch (packet.status) {
    case 'active':
      return `${t('statusActive')} · ${t('refundPending', { amount: formatFen(packet.total - packet.claimedAmount) })}`;
    case 'finished':
      return `${t('statusFinished')} · ${t('refundNone')}`;
    case 'expired':
      return t('statusExpired');
    case 'refunded':
      return t('statusRefunded', { amount: formatFen(packet.refundedAmount) });
    case 'frozen':
      return t('statusFrozen');
  }
}
