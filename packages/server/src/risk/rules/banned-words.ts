import type { RiskRule } from '../types';

/** Rule 9: messages with banned marketing words are refused (BANNED_WORDS). */
export const bannedWords: RiskRule = {
  id: 'banned-words',
  actions: ['create', 'payment'],
  evaluate(request, env) {
    if (!request.message) return null;
    const lowered = request.message.toLowerCase();
    const words = env.bannedWords.filter((word) => lowered.includes(word.toLowerCase()));
    if (words.length === 0) return null;
    return {
      rule: this.id,
      outcome: 'block',
      errorCode: 'BANNED_WORDS',
      reason: `The message contains banned words: ${words.join(', ')}.`,
      until: null,
      details: { field: 'message', words },
    };
  },
};
