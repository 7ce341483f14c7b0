import type { ConversationStore, SessionKey } from '../../src/index.js';

/** Appends m1..mN one call each, so each gets its own seq in order. */
export async function appendNumbered(
  store: ConversationStore,
  key: SessionKey,
  count: number,
): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await store.append({
      ...key,
      messages: [{ role: i % 2 ? 'user' : 'assistant', content: `m${i}` }],
    });
  }
}
