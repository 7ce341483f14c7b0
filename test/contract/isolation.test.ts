import { expect, it } from 'vitest';
import { NotFoundError } from '../../src/index.js';
import { describeContract, openStore } from '../support/store-under-test.js';

describeContract('isolation between users', () => {
  const alice = { userId: 'alice', sessionId: 'shared-name' };
  const bob = { userId: 'bob', sessionId: 'shared-name' };

  it('gives two users with the same session id two separate sessions', async () => {
    const store = await openStore();
    await store.append({ ...alice, messages: [{ role: 'user', content: 'alice 1' }] });
    await store.append({ ...bob, messages: [{ role: 'user', content: 'bob 1' }] });
    await store.append({ ...alice, messages: [{ role: 'user', content: 'alice 2' }] });
    expect((await store.history(alice)).map((m) => [m.seq, m.content])).toEqual([
      [1, 'alice 1'],
      [2, 'alice 2'],
    ]);
    expect((await store.history(bob)).map((m) => [m.seq, m.content])).toEqual([[1, 'bob 1']]);
  });

  it('lets no user read, change, list or delete another user`s session', async () => {
    const store = await openStore();
    const secret = { userId: 'alice', sessionId: 'private' };
    await store.append({
      ...secret,
      messages: [{ role: 'user', content: 'my secret', messageId: 'm-1' }],
    });
    await store.updateSession({ ...secret, title: 'diary' });
    const intruder = { userId: 'bob', sessionId: 'private' };

    expect(await store.getSession(intruder)).toBeNull();
    await expect(store.history(intruder)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.updateSession({ ...intruder, title: 'pwned' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await store.deleteSession(intruder)).toBe(false);
    expect((await store.listSessions({ userId: 'bob' })).sessions).toEqual([]);
    // Bob appending to "private" creates his own session; the retried messageId is his own.
    const bobs = await store.append({
      ...intruder,
      messages: [{ role: 'user', content: 'bob text', messageId: 'm-1' }],
    });
    expect(bobs.messages[0]).toMatchObject({ seq: 1, content: 'bob text' });
    expect(bobs.inserted).toBe(1);

    const mine = await store.history(secret);
    expect(mine.map((m) => m.content)).toEqual(['my secret']);
    expect((await store.getSession(secret))?.title).toBe('diary');
    expect(
      (await store.listSessions({ userId: 'alice' })).sessions.map((s) => s.sessionId),
    ).toEqual(['private']);
  });

  it('erases one user without touching another', async () => {
    const store = await openStore();
    await store.append({
      userId: 'alice',
      sessionId: 'a1',
      messages: [{ role: 'user', content: 'x' }],
    });
    await store.append({
      userId: 'alice',
      sessionId: 'a2',
      messages: [
        { role: 'user', content: 'y' },
        { role: 'assistant', content: 'z' },
      ],
    });
    await store.append({ ...bob, messages: [{ role: 'user', content: 'bob stays' }] });
    expect(await store.deleteUser({ userId: 'alice' })).toEqual({ sessions: 2, messages: 3 });
    expect((await store.listSessions({ userId: 'alice' })).sessions).toEqual([]);
    await expect(store.history({ userId: 'alice', sessionId: 'a1' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await store.history(bob)).map((m) => m.content)).toEqual(['bob stays']);
    expect(await store.deleteUser({ userId: 'alice' })).toEqual({ sessions: 0, messages: 0 });
  });
});
