import { bodyOf, DRAFT_STORAGE_KEY, DraftStore } from '../../src/lib/drafts';
import { memoryStorage } from '../../src/lib/storage';

function store() {
  const storage = memoryStorage();
  let now = 1_700_000_000_000;
  return { storage, drafts: new DraftStore(storage, () => (now += 1000)) };
}

describe('send drafts', () => {
  test('autosaves every edit so a new visit continues where the last one stopped', () => {
    const { storage, drafts } = store();
    let draft = drafts.current();
    draft = drafts.update(draft, { mode: 'random', amountText: '10.00' });
    draft = drafts.update(draft, { countText: '5', step: 3 });
    const reopened = new DraftStore(storage).load();
    expect(reopened).toMatchObject({ amountText: '10.00', countText: '5', step: 3, idempotencyKey: draft.idempotencyKey });
    expect(new DraftStore(storage).hasResumable()).toBe(true);
  });

  test('reuses the idempotency key when a failed submit is retried', () => {
    const { drafts } = store();
    const draft = drafts.update(drafts.current(), { amountText: '10.00', countText: '5', message: '新年快乐' });
    const body = bodyOf(draft)!;
    const first = drafts.beginSubmit(draft, body);
    // The network fails; the app is closed; the next visit loads the draft and submits again.
    const again = drafts.beginSubmit(drafts.load()!, bodyOf(drafts.load()!)!);
    expect(again.idempotencyKey).toBe(first.idempotencyKey);
    expect(again.idempotencyKey).toBe(draft.idempotencyKey);
  });

  test('keeps the key when an edit after a failed submit leaves the packet unchanged', () => {
    const { drafts } = store();
    const draft = drafts.update(drafts.current(), { amountText: '10.00', countText: '5' });
    const { draft: attempted, idempotencyKey } = drafts.beginSubmit(draft, bodyOf(draft)!);
    const moved = drafts.update(attempted, { step: 3 });
    expect(moved.idempotencyKey).toBe(idempotencyKey);
    expect(moved.attempted).not.toBeNull();
  });

  test('issues a new key when the packet is edited after a failed submit', () => {
    const { drafts } = store();
    const draft = drafts.update(drafts.current(), { amountText: '10.00', countText: '5' });
    const { draft: attempted, idempotencyKey } = drafts.beginSubmit(draft, bodyOf(draft)!);
    const edited = drafts.update(attempted, { amountText: '12.00' });
    expect(edited.idempotencyKey).not.toBe(idempotencyKey);
    expect(edited.attempted).toBeNull();
  });

  test('deletes the draft once the packet exists', () => {
    const { storage, drafts } = store();
    const draft = drafts.update(drafts.current(), { amountText: '1' });
    drafts.beginSubmit(draft, bodyOf({ ...draft, countText: '1' })!);
    drafts.complete();
    expect(storage.get(DRAFT_STORAGE_KEY)).toBeUndefined();
    expect(drafts.hasResumable()).toBe(false);
  });

  test('ignores an unreadable saved draft', () => {
    const storage = memoryStorage({ [DRAFT_STORAGE_KEY]: { amountText: 5 } });
    expect(new DraftStore(storage).load()).toBeNull();
    expect(new DraftStore(storage).current().step).toBe(1);
  });

  test('builds the API body: fixed totals multiplied, default message left to the server, recipient for exclusive', () => {
    expect(bodyOf({ mode: 'fixed', scene: 'general', amountText: '1.50', countText: '4', message: ' ', recipient: '' })).toEqual({ mode: 'fixed', total: 600, count: 4, scene: 'general' });
    expect(bodyOf({ mode: 'exclusive', scene: 'thanks', amountText: '5.20', countText: '', message: '谢谢', recipient: ' usr_1 ' })).toEqual({
      mode: 'exclusive',
      total: 520,
      count: 1,
      scene: 'thanks',
      message: '谢谢',
      recipient: 'usr_1',
    });
    expect(bodyOf({ mode: 'random', scene: 'general', amountText: 'x', countText: '1', message: '', recipient: '' })).toBeNull();
  });
});
