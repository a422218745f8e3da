import { Button, Switch, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Screen } from '../../components/Screen';
import { useSettings, useT } from '../../hooks/useSettings';
import { LANGS } from '../../lib/i18n';
import { currentUser, logout } from '../../services/client';
import { routes } from '../../services/routes';

/** Language, large text and the voice broadcast; the account. */
export default function Settings() {
  const { t } = useT();
  const [settings, update] = useSettings();
  const user = currentUser();
  return (
    <Screen name="settings">
      <View className="card">
        <Text className="section-title">{t('language')}</Text>
        <View className="chips" role="radiogroup" aria-label={t('language')}>
          {LANGS.map((lang) => (
            <Button
              key={lang}
              className={`chip lang-${lang}${settings.lang === lang ? ' chip--selected' : ''}`}
              role="radio"
              aria-checked={settings.lang === lang}
              aria-label={lang === 'zh' ? t('langZh') : t('langEn')}
              onClick={() => update({ lang })}
            >
              {lang === 'zh' ? t('langZh') : t('langEn')}
            </Button>
          ))}
        </View>
      </View>
      <View className="card setting-row">
        <Text>{t('largeText')}</Text>
        <Switch className="large-text-switch" checked={settings.largeText} aria-label={t('largeText')} color="#d93a2b" onChange={(event) => update({ largeText: event.detail.value })} />
      </View>
      <View className="card setting-row">
        <Text>{t('voice')}</Text>
        <Switch className="voice-switch" checked={settings.voice} aria-label={t('voice')} color="#d93a2b" onChange={(event) => update({ voice: event.detail.value })} />
      </View>
      {user ? (
        <View className="card">
          <Text className="hint">{user.name}</Text>
          <Text className="hint" selectable>
            {t('account', { id: user.id })}
          </Text>
          {HONGBAO_LOGIN === 'dev' ? (
            <Button
              className="btn btn--ghost btn--small"
              aria-label={t('logout')}
              onClick={() => {
                logout();
                void Taro.reLaunch({ url: routes.home() });
              }}
            >
              {t('logout')}
            </Button>
          ) : null}
        </View>
      ) : null}
    </Screen>
  );
}
