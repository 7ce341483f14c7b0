import { expect, it } from 'vitest';
import { describeContract, openStore } from '../support/store-under-test.js';

const key = { userId: 'alice', sessionId: 's1' };
const say = (id: string, content = id) => ({ role: 'user' as const, content, messageId: id });

describeContract('transactions', () => {
  it('appends once per operation id: a replay returns the first result and writes nothing', async () => {
    const store = await openStore();
    const first = await store.transact({
      ...key,
      operationId: 'op-1',
      append: [say('a'), say('b')],
    });
    expect(first.replayed).toBe(false);
    expect(first.messages.map((m) => [m.seq, m.messageId])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    const replay = await store.transact({
      ...key,
      operationId: 'op-1',
      append: [say('a'), say('b')],
    });
    expect(replay.replayed).toBe(true);
    expect(replay.messages).toEqual(first.messages);
    expect((await store.history(key)).map((m) => m.seq)).toEqual([1, 2]);
    await expect(
      store.transact({ ...key, operationId: 'op-1', append: [say('a'), say('c')] }),
    ).rejects.toMatchObject({ code: 'operation_conflict' });
    expect((await store.history(key)).map((m) => m.messageId)).toEqual(['a', 'b']);
  });

  it('gives messages without ids stable ids, so a replay stays a replay', async () => {
    const store = await openStore();
    const body = {
      ...key,
      operationId: 'op-x',
      append: [{ role: 'user' as const, content: 'hi' }],
    };
    const first = await store.transact(body);
    const again = await store.transact(body);
    expect(again.replayed).toBe(true);
    expect(again.messages[0]!.messageId).toBe(first.messages[0]!.messageId);
    const other = await store.transact({ ...body, operationId: 'op-y' });
    expect(other.replayed).toBe(false);
    expect(other.messages[0]!.messageId).not.toBe(first.messages[0]!.messageId);
  });

  it('replaces a suffix only while it is still the newest messages', async () => {
    const store = await openStore();
    await store.append({ ...key, messages: [say('a'), say('b'), say('c')] });
    const replaced = await store.transact({
      ...key,
      operationId: 'op-2',
      replaceSuffix: { expected: ['b', 'c'], replacement: [say('b2'), say('c2'), say('d2')] },
    });
    expect(replaced.messages.map((m) => [m.seq, m.messageId])).toEqual([
      [4, 'b2'],
      [5, 'c2'],
      [6, 'd2'],
    ]);
    expect((await store.history(key)).map((m) => m.messageId)).toEqual(['a', 'b2', 'c2', 'd2']);
    await expect(
      store.transact({
        ...key,
        operationId: 'op-3',
        replaceSuffix: { expected: ['c2'], replacement: [say('e')] },
      }),
    ).rejects.toMatchObject({ code: 'operation_conflict' });
    await expect(
      store.transact({
        ...key,
        operationId: 'op-4',
        replaceSuffix: { expected: ['x', 'a', 'b2', 'c2', 'd2'], replacement: [] },
      }),
    ).rejects.toMatchObject({ code: 'operation_conflict' });
    expect((await store.history(key)).map((m) => m.messageId)).toEqual(['a', 'b2', 'c2', 'd2']);
    const whole = await store.transact({
      ...key,
      operationId: 'op-5',
      replaceSuffix: { expected: ['a', 'b2', 'c2', 'd2'], replacement: [say('z')] },
    });
    expect(whole.messages.map((m) => m.messageId)).toEqual(['z']);
    expect((await store.history(key)).map((m) => m.messageId)).toEqual(['z']);
  });

  it('applies concurrent transactions with one operation id exactly once', async () => {
    const store = await openStore();
    await store.append({ ...key, messages: [say('a')] });
    const body = {
      ...key,
      operationId: 'op-c',
      replaceSuffix: { expected: ['a'], replacement: [say('a2'), say('b2')] },
    };
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => store.transact(body)));
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    for (const outcome of outcomes) expect(outcome.messages).toEqual(outcomes[0]!.messages);
    expect((await store.history(key)).map((m) => m.messageId)).toEqual(['a2', 'b2']);
  });

  it('refuses a body with both or neither of append and replaceSuffix', async () => {
    const store = await openStore();
    await expect(store.transact({ ...key, operationId: 'op' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(
      store.transact({
        ...key,
        operationId: 'op',
        append: [say('a')],
        replaceSuffix: { expected: [], replacement: [] },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
