/**
 * Voice broadcast. On H5 the browser speaks through `speechSynthesis`. A mini-program has no
 * built-in speech: the weapp announcer takes a `synthesize` function that turns text into an audio
 * URL (for example the WechatSI plugin's `textToSpeech`, which needs the plugin approved for the
 * app id) and plays it with an InnerAudioContext; without one it vibrates and shows the text, so a
 * shopkeeper still notices the payment.
 */
import Taro from '@tarojs/taro';
import type { Announcer } from '../lib/announce';
import type { Lang } from '../lib/i18n';

export function speechSynthesisAnnouncer(speech: SpeechSynthesis | undefined = typeof window !== 'undefined' ? window.speechSynthesis : undefined): Announcer {
  return {
    announce(text, lang) {
      if (!speech || typeof SpeechSynthesisUtterance === 'undefined') return;
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang === 'zh' ? 'zh-CN' : 'en-US';
      speech.speak(utterance);
    },
  };
}

export type Synthesize = (text: string, lang: Lang) => Promise<string>;

export function weappAnnouncer(synthesize?: Synthesize): Announcer {
  const queue: Array<{ text: string; lang: Lang }> = [];
  let playing = false;

  const playNext = async () => {
    const next = queue.shift();
    if (!next) {
      playing = false;
      return;
    }
    playing = true;
    try {
      if (!synthesize) throw new Error('no speech synthesizer configured');
      const src = await synthesize(next.text, next.lang);
      const audio = Taro.createInnerAudioContext();
      audio.src = src;
      const done = () => {
        audio.destroy();
        void playNext();
      };
      audio.onEnded(done);
      audio.onError(done);
      audio.play();
    } catch {
      Taro.vibrateShort({ type: 'heavy' }).catch(() => undefined);
      Taro.showToast({ title: next.text, icon: 'none', duration: 2500 }).catch(() => undefined);
      void playNext();
    }
  };

  return {
    announce(text, lang) {
      queue.push({ text, lang });
      if (!playing) void playNext();
    },
  };
}

let configuredSynthesizer: Synthesize | undefined;
/** Lets a weapp build that has a TTS plugin plug it in at start-up. */
export function setSpeechSynthesizer(synthesize: Synthesize): void {
  configuredSynthesizer = synthesize;
  instance = null;
}

let instance: Announcer | null = null;
export function announcer(): Announcer {
  instance ??= process.env.TARO_ENV === 'h5' ? speechSynthesisAnnouncer() : weappAnnouncer(configuredSynthesizer);
  return instance;
}
