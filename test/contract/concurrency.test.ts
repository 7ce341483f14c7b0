import { expect, it } from 'vitest';
import type { AppendResult } from '../../src/index.js';
import { describeContract, openStore } from '../support/store-under-test.js';

describeContract('concurrency', () => {
  it('keeps every session gap-free and every messageId once under mixed concurrent appends and retries', async () => {
    const store = await openStore();
    const sessions = ['a', 'b', 'c', 'd'];
    // 36 calls of two messages each over four sessions, and 12 retries of some of them (same
    // session, same ids, same fields: a retry with other fields is refused), all at once and
    // interleaved.
    const original = (i: number) => ({ sessionId: sessions[i % sessions.length]!, call: i });
    const plan = [
      ...Array.from({ length: 36 }, (_, i) => ({ ...original(i), attempt: 'first' })),
      ...Array.from({ length: 12 }, (_, r) => ({ ...original(r * 3), attempt: 'retry' })),
    ].sort((x, y) => ((x.call * 7) % 48) - ((y.call * 7) % 48));
    const calls = plan.map(({ sessionId, call }) =>
      store.append({
        userId: 'alice',
        sessionId,
        messages: [
          { role: 'user', content: `call ${call} 1`, messageId: `${call}-1` },
          { role: 'assistant', content: `call ${call} 2`, messageId: `${call}-2` },
        ],
      }),
    );
    const results: AppendResult[] = await Promise.all(calls);

    for (const sessionId of sessions) {
      const history = await store.history({ userId: 'alice', sessionId, last: 1000 });
      const seqs = history.map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
      const ids = history.map((m) => m.messageId);
      expect(new Set(ids).size).toBe(ids.length);
      // Both messages of one call are adjacent and in order.
      for (let i = 0; i < history.length; i += 2) {
        expect(history[i]!.messageId.endsWith('-1')).toBe(true);
        expect(history[i + 1]!.messageId).toBe(history[i]!.messageId.replace(/-1$/, '-2'));
      }
      const mine = results.filter((r) => r.session.sessionId === sessionId);
      // What each call was told is what is stored.
      for (const result of mine) {
        for (const message of result.messages) {
          expect(history[message.seq - 1]).toEqual(message);
        }
      }
      const inserted = mine.reduce((sum, r) => sum + r.inserted, 0);
      expect(inserted).toBe(history.length);
      expect(history).toHaveLength(18);
    }
  });
});
