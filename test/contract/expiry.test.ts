import { expect, it } from 'vitest';
import { NotFoundError, type ConversationStore, type SessionKey } from '../../src/index.js';
import { describeContract, openStore } from '../support/store-under-test.js';

/** Sessions here live one second; tests wait for the store to say they are gone. */
const TTL = { ttlSeconds: 1 };

async function untilExpired(store: ConversationStore, key: SessionKey): Promise<void> {
  await expect.poll(() => store.getSession(key), { timeout: 5_000, interval: 100 }).toBeNull();
}

describeContract('expiry', () => {
  it('gives sessions a sliding expiry', async () => {
    const store = await openStore(TTL);
    const key = { userId: 'alice', sessionId: 's' };
    const { session } = await store.append({ ...key, messages: [{ role: 'user', content: 'a' }] });
    expect(session.expiresAt).toBeInstanceOf(Date);
    expect(session.expiresAt!.getTime() - session.updatedAt.getTime()).toBeCloseTo(1000, -2);
    const later = await store.append({ ...key, messages: [{ role: 'user', content: 'b' }] });
    expect(later.session.expiresAt!.getTime()).toBeGreaterThanOrEqual(session.expiresAt!.getTime());
  });

  it('makes an expired session invisible to every read at once', async () => {
    const store = await openStore(TTL);
    const key = { userId: 'alice', sessionId: 'old' };
    await store.append({ ...key, messages: [{ role: 'user', content: 'bye' }] });
    await untilExpired(store, key);
    await expect(store.history(key)).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.listSessions({ userId: 'alice' })).sessions).toEqual([]);
    await expect(store.updateSession({ ...key, title: 't' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.deleteSession(key)).toBe(false);
  });

  it('starts a fresh session when an expired one is written to again', async () => {
    const store = await openStore(TTL);
    const key = { userId: 'alice', sessionId: 'reused' };
    await store.append({
      ...key,
      messages: [{ role: 'user', content: 'old', messageId: 'm-1' }],
    });
    await store.updateSession({ ...key, title: 'old title' });
    await untilExpired(store, key);
    const { session, messages } = await store.append({
      ...key,
      messages: [{ role: 'user', content: 'new', messageId: 'm-1' }],
    });
    expect(messages[0]).toMatchObject({ seq: 1, content: 'new' });
    expect(session).toMatchObject({ title: null, lastSeq: 1, messageCount: 1 });
    expect((await store.history(key)).map((m) => m.content)).toEqual(['new']);
  });

  it('lets a session be created again once expired', async () => {
    const store = await openStore(TTL);
    const key = { userId: 'alice', sessionId: 'again' };
    await store.createSession({ ...key, title: 'first' });
    await untilExpired(store, key);
    const created = await store.createSession({ ...key, title: 'second' });
    expect(created.title).toBe('second');
  });

  it('reclaims expired sessions and their messages on cleanup, and keeps live ones', async () => {
    const store = await openStore(TTL);
    const expired = { userId: 'alice', sessionId: 'gone' };
    await store.append({
      ...expired,
      messages: [
        { role: 'user', content: '1' },
        { role: 'assistant', content: '2' },
      ],
    });
    await untilExpired(store, expired);
    const live = { userId: 'alice', sessionId: 'live' };
    await store.append({ ...live, messages: [{ role: 'user', content: 'still here' }] });
    const deleted = await store.cleanupExpired({ batchSize: 1 });
    expect(deleted.sessions).toBe(1);
    expect(deleted.messages).toBe(2);
    expect((await store.history(live)).map((m) => m.content)).toEqual(['still here']);
    expect(await store.cleanupExpired()).toEqual({ sessions: 0, messages: 0 });
  });

  it('never expires sessions when ttlSeconds is null', async () => {
    const store = await openStore({ ttlSeconds: null });
    const { session } = await store.append({
      userId: 'alice',
      sessionId: 'forever',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(session.expiresAt).toBeNull();
    expect(await store.cleanupExpired()).toEqual({ sessions: 0, messages: 0 });
  });
});
