import { expect, it } from 'vitest';
import { NotFoundError } from '../../src/index.js';
import { describeContract, openStore } from '../support/store-under-test.js';
import { appendNumbered } from '../support/fixtures.js';

describeContract('history', () => {
  const key = { userId: 'alice', sessionId: 'chat' };

  it('returns the newest N for last: N, oldest first (the sketch returned the oldest)', async () => {
    const store = await openStore();
    await appendNumbered(store, key, 10);
    const history = await store.history({ ...key, last: 3 });
    expect(history.map((m) => m.content)).toEqual(['m8', 'm9', 'm10']);
    expect(history.map((m) => m.seq)).toEqual([8, 9, 10]);
  });

  it('treats limit without a cursor as the newest N', async () => {
    const store = await openStore();
    await appendNumbered(store, key, 5);
    expect((await store.history({ ...key, limit: 2 })).map((m) => m.seq)).toEqual([4, 5]);
  });

  it('returns everything up to the default page size with no options', async () => {
    const store = await openStore();
    await appendNumbered(store, key, 7);
    expect((await store.history(key)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('pages forward with afterSeq and backward with beforeSeq', async () => {
    const store = await openStore();
    await appendNumbered(store, key, 10);
    expect((await store.history({ ...key, afterSeq: 0, limit: 4 })).map((m) => m.seq)).toEqual([
      1, 2, 3, 4,
    ]);
    expect((await store.history({ ...key, afterSeq: 4, limit: 4 })).map((m) => m.seq)).toEqual([
      5, 6, 7, 8,
    ]);
    expect((await store.history({ ...key, afterSeq: 8, limit: 4 })).map((m) => m.seq)).toEqual([
      9, 10,
    ]);
    expect((await store.history({ ...key, afterSeq: 10, limit: 4 })).map((m) => m.seq)).toEqual([]);
    expect((await store.history({ ...key, beforeSeq: 8, limit: 3 })).map((m) => m.seq)).toEqual([
      5, 6, 7,
    ]);
    expect((await store.history({ ...key, beforeSeq: 3, limit: 5 })).map((m) => m.seq)).toEqual([
      1, 2,
    ]);
    expect(
      (await store.history({ ...key, afterSeq: 2, beforeSeq: 6, limit: 10 })).map((m) => m.seq),
    ).toEqual([3, 4, 5]);
  });

  it('returns an empty list for a session without messages', async () => {
    const store = await openStore();
    await store.createSession(key);
    expect(await store.history(key)).toEqual([]);
  });

  it('refuses a session that does not exist with NotFoundError', async () => {
    const store = await openStore();
    await expect(store.history({ userId: 'alice', sessionId: 'nope' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('returns messages with every field as stored', async () => {
    const store = await openStore();
    const { messages } = await store.append({
      ...key,
      messages: [
        {
          role: 'tool',
          content: '{"temp": 21}',
          metadata: { tool_call_id: 'call-1', nested: { list: [1, 'two', null, true] } },
          messageId: 'tool-1',
        },
      ],
    });
    const [stored] = await store.history(key);
    expect(stored).toEqual(messages[0]);
    expect(stored).toMatchObject({
      seq: 1,
      messageId: 'tool-1',
      role: 'tool',
      content: '{"temp": 21}',
      metadata: { tool_call_id: 'call-1', nested: { list: [1, 'two', null, true] } },
    });
  });
});
