import { expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/index.js';
import { describeContract, openStore } from '../support/store-under-test.js';

describeContract('sessions', () => {
  it('creates a session with the fields given and reads it back', async () => {
    const store = await openStore();
    const created = await store.createSession({
      userId: 'alice',
      sessionId: 'plan',
      agentId: 'planner',
      title: 'Trip plan',
      metadata: { topic: 'travel' },
    });
    expect(created).toMatchObject({
      userId: 'alice',
      sessionId: 'plan',
      agentId: 'planner',
      title: 'Trip plan',
      metadata: { topic: 'travel' },
      lastSeq: 0,
      messageCount: 0,
      expiresAt: null,
    });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await store.getSession({ userId: 'alice', sessionId: 'plan' })).toEqual(created);
  });

  it('generates a time-ordered id when none is given', async () => {
    const store = await openStore();
    const first = await store.createSession({ userId: 'alice' });
    const second = await store.createSession({ userId: 'alice' });
    expect(first.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.sessionId > first.sessionId).toBe(true);
  });

  it('refuses to create a session the user already has', async () => {
    const store = await openStore();
    await store.createSession({ userId: 'alice', sessionId: 'x', title: 'first' });
    await expect(
      store.createSession({ userId: 'alice', sessionId: 'x', title: 'second' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await store.getSession({ userId: 'alice', sessionId: 'x' }))?.title).toBe('first');
  });

  it('returns null for a session that does not exist', async () => {
    const store = await openStore();
    expect(await store.getSession({ userId: 'alice', sessionId: 'missing' })).toBeNull();
  });

  it('updates only the fields given, and replaces metadata', async () => {
    const store = await openStore();
    await store.createSession({
      userId: 'alice',
      sessionId: 'x',
      title: 'old',
      metadata: { a: 1, b: 2 },
    });
    const renamed = await store.updateSession({ userId: 'alice', sessionId: 'x', title: 'new' });
    expect(renamed).toMatchObject({ title: 'new', metadata: { a: 1, b: 2 }, agentId: null });
    const updated = await store.updateSession({
      userId: 'alice',
      sessionId: 'x',
      metadata: { c: 3 },
      agentId: 'helper',
    });
    expect(updated).toMatchObject({ title: 'new', metadata: { c: 3 }, agentId: 'helper' });
    const cleared = await store.updateSession({
      userId: 'alice',
      sessionId: 'x',
      title: null,
      agentId: null,
    });
    expect(cleared).toMatchObject({ title: null, agentId: null, metadata: { c: 3 } });
    expect(await store.getSession({ userId: 'alice', sessionId: 'x' })).toEqual(cleared);
  });

  it('refuses to update a session that does not exist', async () => {
    const store = await openStore();
    await expect(
      store.updateSession({ userId: 'alice', sessionId: 'missing', title: 't' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes a session with its messages', async () => {
    const store = await openStore();
    const key = { userId: 'alice', sessionId: 'x' };
    await store.append({ ...key, messages: [{ role: 'user', content: 'secret' }] });
    expect(await store.deleteSession(key)).toBe(true);
    expect(await store.getSession(key)).toBeNull();
    await expect(store.history(key)).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.deleteSession(key)).toBe(false);
    const again = await store.append({ ...key, messages: [{ role: 'user', content: 'fresh' }] });
    expect(again.messages[0]!.seq).toBe(1);
    expect((await store.history(key)).map((m) => m.content)).toEqual(['fresh']);
  });

  it('lists sessions by most recent activity, paging with a cursor', async () => {
    const store = await openStore();
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      await store.append({
        userId: 'alice',
        sessionId: id,
        messages: [{ role: 'user', content: id }],
      });
    }
    await store.append({
      userId: 'alice',
      sessionId: 'b',
      messages: [{ role: 'user', content: 'b again' }],
    });
    const first = await store.listSessions({ userId: 'alice', limit: 2 });
    expect(first.sessions.map((s) => s.sessionId)).toEqual(['b', 'e']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await store.listSessions({
      userId: 'alice',
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.sessions.map((s) => s.sessionId)).toEqual(['d', 'c']);
    const third = await store.listSessions({
      userId: 'alice',
      limit: 2,
      cursor: second.nextCursor!,
    });
    expect(third.sessions.map((s) => s.sessionId)).toEqual(['a']);
    expect(third.nextCursor).toBeNull();
    const all = await store.listSessions({ userId: 'alice' });
    expect(all.sessions.map((s) => s.sessionId)).toEqual(['b', 'e', 'd', 'c', 'a']);
    expect(all.nextCursor).toBeNull();
    expect(all.sessions[0]).toMatchObject({ lastSeq: 2, messageCount: 2 });
  });

  it('lists nothing for a user without sessions', async () => {
    const store = await openStore();
    expect(await store.listSessions({ userId: 'nobody' })).toEqual({
      sessions: [],
      nextCursor: null,
    });
  });
});
