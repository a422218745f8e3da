import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMemo, useState } from 'react';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Screen } from '../../components/Screen';
import { useRequest } from '../../hooks/useRequest';
import { useT } from '../../hooks/useSettings';
import { contactLabel, recentContacts } from '../../lib/contacts';
import { bodyOf, type Draft, type DraftFields } from '../../lib/drafts';
import { formatFen, fenToInput } from '../../lib/money';
import { MAX_MESSAGE_LENGTH, SCENE_INFO, SCENES, TIER_POLICIES } from '../../lib/protocol';
import { checkAmount, checkMessage, checkRecipient, suggestedTotal, type PacketMode, type SendLimits } from '../../lib/validation';
import type { MessageKey } from '../../lib/i18n';
import { api, currentUser } from '../../services/client';
import { drafts } from '../../services/drafts';
import { routes } from '../../services/routes';
import { COLLECT_CODE_KEY, taroStorage } from '../../services/storage';
import { StepHeader } from './StepHeader';

const MODES: Array<{ mode: PacketMode; label: MessageKey; hint: MessageKey }> = [
  { mode: 'random', label: 'modeRandom', hint: 'modeRandomHint' },
  { mode: 'fixed', label: 'modeFixed', hint: 'modeFixedHint' },
  { mode: 'exclusive', label: 'modeExclusive', hint: 'modeExclusiveHint' },
];

/** Send in four steps — mode and scene, amount and count, message, confirm and pay — autosaving each. */
export default function Send() {
  const { t, lang } = useT();
  const me = useRequest((signal) => api((client) => client.me.retrieve({ signal })), []);
  const [draft, setDraft] = useState<Draft>(() => drafts.current());
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState('');

  const limits: SendLimits | null = me.data
    ? {
        singleLimit: me.data.usage.singleLimit,
        remainingToday: me.data.usage.remainingToday,
        balance: me.data.wallet.balance,
        maxCount: TIER_POLICIES[me.data.user.tier].maxCount,
      }
    : null;
  const amountCheck = useMemo(() => (limits ? checkAmount(draft, limits) : null), [draft, limits?.singleLimit, limits?.remainingToday, limits?.balance, limits?.maxCount]);
  const recipientIssue = checkRecipient(draft.mode, draft.recipient);
  const messageIssue = checkMessage(draft.message);
  const body = bodyOf(draft);
  const pickingRecipient = draft.mode === 'exclusive' && draft.step === 2;
  const contacts = useRequest(
    (signal) =>
      api(async (client) => {
        const [received, sent] = await Promise.all([
          client.packets.list({ role: 'received', limit: 50 }, { signal }),
          client.packets.list({ role: 'sent', limit: 50 }, { signal }),
        ]);
        const collectCodeId = taroStorage.get(COLLECT_CODE_KEY);
        // Payers are a bonus: without a collect code (or if it is gone) the list still works.
        const payments =
          typeof collectCodeId === 'string' ? await client.collectCodes.payments(collectCodeId, { limit: 50 }, { signal }).then((page) => page.data, () => []) : [];
        return recentContacts({ received: received.data, sent: sent.data, payments }, currentUser()?.id ?? null);
      }),
    [pickingRecipient],
    pickingRecipient,
  );

  const edit = (fields: Partial<DraftFields>) => {
    setSubmitError(undefined);
    setDraft((current) => drafts.update(current, fields));
  };
  const goTo = (step: Draft['step']) => edit({ step });

  const submit = async () => {
    if (!body || submitting) return;
    const { draft: attempted, idempotencyKey } = drafts.beginSubmit(draft, body);
    setDraft(attempted);
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      const packet = await api((client) => client.packets.create(body, { idempotencyKey }));
      drafts.complete();
      setAnnouncement(t('sent'));
      void Taro.redirectTo({ url: routes.code(packet.id) });
    } catch (error) {
      setSubmitError(error);
    } finally {
      setSubmitting(false);
    }
  };

  const scene = SCENE_INFO[draft.scene];
  const suggestion = limits ? suggestedTotal(draft.scene, limits.singleLimit) : null;
  const issueText = (issue?: { key: MessageKey; params?: Record<string, string | number> }) => (issue ? t(issue.key, issue.params) : '');

  return (
    <Screen name="send" announce={announcement}>
      <StepHeader step={draft.step} />
      <ErrorNotice error={me.error} onRetry={me.reload} />

      {draft.step === 1 ? (
        <View className="card step step-1">
          <View className="choice-list" role="radiogroup" aria-label={t('step1')}>
            {MODES.map((option) => (
              <Button
                key={option.mode}
                className={`choice mode-${option.mode}${draft.mode === option.mode ? ' choice--selected' : ''}`}
                role="radio"
                aria-checked={draft.mode === option.mode}
                aria-label={`${t(option.label)}：${t(option.hint)}`}
                onClick={() => edit({ mode: option.mode })}
              >
                <Text className="choice__title">{t(option.label)}</Text>
                <Text className="choice__hint">{t(option.hint)}</Text>
              </Button>
            ))}
          </View>
          <Text className="section-title">{t('scene')}</Text>
          <View className="chips" role="radiogroup" aria-label={t('scene')}>
            {SCENES.map((name) => (
              <Button
                key={name}
                className={`chip scene-${name}${draft.scene === name ? ' chip--selected' : ''}`}
                role="radio"
                aria-checked={draft.scene === name}
                aria-label={lang === 'zh' ? SCENE_INFO[name].name : SCENE_INFO[name].nameEn}
                onClick={() => edit({ scene: name })}
              >
                {lang === 'zh' ? SCENE_INFO[name].name : SCENE_INFO[name].nameEn}
              </Button>
            ))}
          </View>
          <Button className="btn btn--primary next" aria-label={t('next')} onClick={() => goTo(2)}>
            {t('next')}
          </Button>
        </View>
      ) : null}

      {draft.step === 2 ? (
        <View className="card step step-2">
          {suggestion ? (
            <View className="suggestion">
              <Text>{t('recommended', { min: formatFen(suggestion.min), max: formatFen(suggestion.max) })}</Text>
              {draft.mode !== 'fixed' ? (
                <Button
                  className="btn btn--ghost btn--small use-suggestion"
                  aria-label={t('useRecommended', { amount: formatFen(suggestion.suggestion) })}
                  onClick={() => edit({ amountText: fenToInput(suggestion.suggestion) })}
                >
                  {t('useRecommended', { amount: formatFen(suggestion.suggestion) })}
                </Button>
              ) : null}
            </View>
          ) : null}
          <Text className="field-label">{draft.mode === 'fixed' ? t('perShare') : t('total')}</Text>
          <Input
            className="input amount-input"
            type="digit"
            value={draft.amountText}
            placeholder={t('amountPlaceholder')}
            aria-label={draft.mode === 'fixed' ? t('perShare') : t('total')}
            onInput={(event) => edit({ amountText: event.detail.value })}
          />
          {draft.amountText !== '' && amountCheck?.amountIssue ? <Text className="field-error amount-error" role="alert">{issueText(amountCheck.amountIssue)}</Text> : null}
          {draft.mode !== 'exclusive' ? (
            <>
              <Text className="field-label">{t('count')}</Text>
              <Input
                className="input count-input"
                type="number"
                value={draft.countText}
                placeholder={t('countPlaceholder')}
                aria-label={t('count')}
                onInput={(event) => edit({ countText: event.detail.value })}
              />
              {draft.countText !== '' && amountCheck?.countIssue ? <Text className="field-error count-error" role="alert">{issueText(amountCheck.countIssue)}</Text> : null}
            </>
          ) : (
            <>
              <Text className="field-label">{t('recipient')}</Text>
              {contacts.data && contacts.data.length > 0 ? (
                <View className="chips contacts" role="radiogroup" aria-label={t('recipientPick')}>
                  {contacts.data.map((contact) => (
                    <Button
                      key={contact.id}
                      className={`chip contact${draft.recipient === contact.id ? ' chip--selected' : ''}`}
                      role="radio"
                      aria-checked={draft.recipient === contact.id}
                      aria-label={t('recipientContact', { name: contactLabel(contact) })}
                      onClick={() => edit({ recipient: contact.id })}
                    >
                      {contactLabel(contact)}
                    </Button>
                  ))}
                </View>
              ) : contacts.loading ? (
                <Text className="hint">{t('loading')}</Text>
              ) : (
                <Text className="hint contacts__empty">{t('recipientNoContacts')}</Text>
              )}
              <Text className="field-label">{t('recipientType')}</Text>
              <Input
                className="input recipient-input"
                value={draft.recipient}
                placeholder={t('recipientPlaceholder')}
                aria-label={t('recipientType')}
                onInput={(event) => edit({ recipient: event.detail.value })}
              />
              {draft.recipient !== '' && recipientIssue ? <Text className="field-error" role="alert">{issueText(recipientIssue)}</Text> : null}
            </>
          )}
          {limits ? <Text className="hint limits-hint">{t('limitsHint', { single: formatFen(limits.singleLimit), remaining: formatFen(limits.remainingToday) })}</Text> : null}
          {amountCheck?.ok && body ? <Amount className="total-preview" fen={body.total} /> : null}
          <View className="button-row">
            <Button className="btn btn--ghost" aria-label={t('previous')} onClick={() => goTo(1)}>
              {t('previous')}
            </Button>
            <Button className="btn btn--primary next" aria-label={t('next')} disabled={!amountCheck?.ok || !!recipientIssue} onClick={() => goTo(3)}>
              {t('next')}
            </Button>
          </View>
        </View>
      ) : null}

      {draft.step === 3 ? (
        <View className="card step step-3">
          <Text className="field-label">{t('message')}</Text>
          <Textarea
            className="textarea message-input"
            value={draft.message}
            placeholder={scene.defaultMessage}
            maxlength={-1}
            aria-label={t('message')}
            onInput={(event) => edit({ message: event.detail.value })}
          />
          <Text className="hint">{t('messageCount', { used: Array.from(draft.message).length, max: MAX_MESSAGE_LENGTH })}</Text>
          {messageIssue ? <Text className="field-error message-error" role="alert">{issueText(messageIssue)}</Text> : null}
          <View className="button-row">
            <Button className="btn btn--ghost" aria-label={t('previous')} onClick={() => goTo(2)}>
              {t('previous')}
            </Button>
            <Button
              className="btn btn--primary next"
              aria-label={t('next')}
              disabled={!!messageIssue}
              onClick={() => edit({ step: 4, message: draft.message.trim() === '' ? scene.defaultMessage : draft.message })}
            >
              {t('next')}
            </Button>
          </View>
        </View>
      ) : null}

      {draft.step === 4 ? (
        <View className="card step step-4">
          {body ? (
            <>
              <Amount className="confirm-amount" fen={body.total} />
              <Text className="confirm-summary">
                {t('confirmSummary', { mode: t(MODES.find((m) => m.mode === draft.mode)!.label), count: body.count, amount: formatFen(body.total) })}
              </Text>
              <Text className="confirm-message">“{body.message ?? scene.defaultMessage}”</Text>
            </>
          ) : null}
          {submitError ? (
            <View className="submit-failed" role="alert">
              <ErrorNotice error={submitError} />
              <Text className="hint">{t('draftSaved')}</Text>
            </View>
          ) : null}
          <View className="button-row">
            <Button className="btn btn--ghost" aria-label={t('previous')} disabled={submitting} onClick={() => goTo(3)}>
              {t('previous')}
            </Button>
            <Button
              className="btn btn--primary pay"
              aria-label={body ? t('pay', { amount: formatFen(body.total) }) : t('step4')}
              disabled={!body || submitting || !amountCheck?.ok || !!messageIssue || !!recipientIssue}
              loading={submitting}
              onClick={submit}
            >
              {submitting ? t('paying') : body ? t('pay', { amount: formatFen(body.total) }) : t('step4')}
            </Button>
          </View>
        </View>
      ) : null}
    </Screen>
  );
}
