import { DraftStore } from '../lib/drafts';
import { taroStorage } from './storage';

/** The send form's draft, in Taro storage. */
export const drafts = new DraftStore(taroStorage);
