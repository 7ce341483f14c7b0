import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  BusyError,
  createStore,
  UnavailableError,
  type ConversationStore,
} from '../../../src/index.js';
import { startOwnRedis, type OwnRedis } from '../../support/servers.js';

const available = inject('redisAvailable');

/**
 * The redis store's promises about Redis itself, on a Redis of the test's own where KEYS is
 * disabled (so any use of it fails), whose command statistics count round trips.
 */
describe.skipIf(!available)('redis store: keys, TTLs and round trips', () => {
  let server: OwnRedis;
  let admin: Redis;
  let prefixes = 0;
  const stores: ConversationStore[] = [];

  beforeAll(async () => {
    server = await startOwnRedis(['--rename-command', 'KEYS', '']);
    admin = new Redis(server.url);
  });

  afterAll(async () => {
    for (const store of stores) await store.close().catch(() => {});
    admin.disconnect();
    await server.stop();
  });

  async function open(ttlSeconds: number | null = 60): Promise<[ConversationStore, string]> {
    const keyPrefix = `t${++prefixes}:`;
    const store = await createStore({ url: server.url, keyPrefix, ttlSeconds });
    stores.push(store);
    return [store, keyPrefix];
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 100);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return found.sort();
  }

  /**
   * Commands a call sends to the server, seen with MONITOR (commands run inside a Lua script
   * show as from 'lua' and are not round trips). A marker command closes the window.
   */
  async function roundTrips(call: () => Promise<unknown>): Promise<string[]> {
    const monitor = await admin.monitor();
    const seen: string[] = [];
    let done = false;
    const marker = `marker-${Math.random()}`;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args[0]?.toLowerCase() === 'echo' && args[1] === marker) done = true;
      else if (!done && source !== 'lua') seen.push(args[0]!.toLowerCase());
    });
    try {
      await call();
      const probe = new Redis(server.url);
      await probe.echo(marker);
      probe.disconnect();
      await expect.poll(() => done).toBe(true);
      return seen.filter(
        (command) => !['echo', 'client', 'info', 'select', 'hello'].includes(command),
      );
    } finally {
      monitor.disconnect();
    }
  }

  it('puts every key under the prefix, tagged by user, with a TTL refreshed on write', async () => {
    const [store, prefix] = await open(60);
    await store.append({
      userId: 'alice',
      sessionId: 's1',
      agentId: 'helper',
      messages: [{ role: 'user', content: 'hi', messageId: 'm1' }],
    });
    await store.createSession({ userId: 'alice', sessionId: 's2' });
    const keys = await keysUnder(prefix);
    // No 'agents' key: an agent a session names is not put in the catalogue (putAgent does).
    expect(keys).toEqual(
      [
        '{alice}:counts',
        '{alice}:log:s1',
        '{alice}:meta:s1',
        '{alice}:meta:s2',
        '{alice}:mids:s1',
        '{alice}:sessions',
        // The window index (layout.ts WINDOW_INDEX_WORDS): running token sums, user messages.
        '{alice}:tokens:s1',
        '{alice}:users:s1',
      ].map((key) => prefix + key),
    );
    for (const key of keys.filter((k) => k.includes('{alice}'))) {
      const ttl = await admin.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      // Sessions live ttlSeconds; the index and counts a day longer, so cleanup can count.
      if (key.endsWith(':sessions') || key.endsWith(':counts')) expect(ttl).toBeGreaterThan(60_000);
      else expect(ttl).toBeLessThanOrEqual(60_000);
    }
    await admin.pexpire(`${prefix}{alice}:meta:s1`, 5_000);
    await store.append({
      userId: 'alice',
      sessionId: 's1',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(await admin.pttl(`${prefix}{alice}:meta:s1`)).toBeGreaterThan(5_000);
  });

  it('slides the TTL of the keys tool calls, drafts and transactions add, on any later write', async () => {
    const [store, prefix] = await open(60);
    const session = { userId: 'bob', sessionId: 's1' };
    await store.append({
      ...session,
      messages: [
        { role: 'assistant', content: '', messageId: 'c1', toolCallIds: ['call-a'] },
        { role: 'tool', content: 'ok', messageId: 'r1', toolResultIds: ['call-a'] },
        { role: 'tool', content: 'late', messageId: 'r2', toolResultIds: ['call-gone'] },
      ],
    });
    await store.transact({
      ...session,
      operationId: 'op-1',
      append: [{ role: 'user', content: 'next', messageId: 'u1' }],
    });
    await store.beginMessage({ ...session, messageId: 'd1', role: 'assistant' });
    const words = ['calls', 'ops', 'results', 'odd', 'pairs', 'paired', 'orphans'];
    const keys = await keysUnder(`${prefix}{bob}:`);
    for (const word of words) expect(keys, word).toContain(`${prefix}{bob}:${word}:s1`);
    // Every key a session has was given the TTL; then all are cut short, and a plain append
    // (no calls, no draft, no operation) must slide every one of them again.
    for (const key of keys) {
      expect(await admin.pttl(key), key).toBeGreaterThan(0);
      await admin.pexpire(key, 5_000);
    }
    await store.append({ ...session, messages: [{ role: 'user', content: 'plain' }] });
    for (const key of keys) expect(await admin.pttl(key), key).toBeGreaterThan(5_000);
  });
  it('makes each call one round trip', async () => {
    const [store] = await open(60);
    const key = { userId: 'bob', sessionId: 's' };
    await store.append({ ...key, messages: [{ role: 'user', content: 'load the scripts' }] });
    await store.history(key);
    await store.listSessions({ userId: 'bob' });
    await store.updateSession({ ...key, title: 't' });
    await store.append({ ...key, messages: [{ role: 'user', content: 'x', messageId: 'edit' }] });
    const draft = await store.beginMessage(key);
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['append', () => store.append({ ...key, messages: [{ role: 'user', content: 'again' }] })],
      ['history', () => store.history({ ...key, last: 10 })],
      ['history tool-pairs', () => store.history({ ...key, last: 2, align: 'tool-pairs' })],
      ['history turn', () => store.history({ ...key, last: 2, align: 'turn' })],
      ['history budget', () => store.history({ ...key, tokenBudget: 10, pinSystem: true })],
      ['history statuses', () => store.history({ ...key, last: 2, statuses: ['complete'] })],
      ['updateMessage', () => store.updateMessage({ ...key, messageId: 'edit', content: 'y' })],
      [
        'checkpointMessage',
        () =>
          store.checkpointMessage({
            ...key,
            messageId: draft.message.messageId,
            lease: draft.lease,
            content: 'so far',
          }),
      ],
      [
        'finalizeMessage',
        () =>
          store.finalizeMessage({
            ...key,
            messageId: draft.message.messageId,
            lease: draft.lease,
            status: 'complete',
          }),
      ],
      ['beginMessage', () => store.beginMessage(key)],
      [
        'transact',
        () =>
          store.transact({ ...key, operationId: 'op', append: [{ role: 'user', content: 't' }] }),
      ],
      ['popMessage', () => store.popMessage(key)],
      ['truncate', () => store.truncate({ ...key, afterSeq: 3 })],
      ['deleteMessages', () => store.deleteMessages({ ...key, messageIds: ['edit'] })],
      ['clearMessages', () => store.clearMessages(key)],
      ['getSession', () => store.getSession(key)],
      ['updateSession', () => store.updateSession({ ...key, title: 'u' })],
      ['listSessions', () => store.listSessions({ userId: 'bob' })],
      ['deleteSession', () => store.deleteSession(key)],
    ];
    for (const [name, call] of calls) {
      expect(await roundTrips(call), name).toHaveLength(1);
    }
  });

  it('cleans up and erases users without KEYS (disabled on this server)', async () => {
    const [store, prefix] = await open(1);
    await store.append({
      userId: 'carol',
      sessionId: 'old',
      messages: [{ role: 'user', content: '1' }],
    });
    await expect
      .poll(() => store.getSession({ userId: 'carol', sessionId: 'old' }), { timeout: 5_000 })
      .toBeNull();
    await store.append({
      userId: 'carol',
      sessionId: 'new',
      messages: [{ role: 'user', content: '2' }],
    });
    // Listing prunes the index entry of the expired session on the way.
    expect(
      (await store.listSessions({ userId: 'carol' })).sessions.map((s) => s.sessionId),
    ).toEqual(['new']);
    expect(await admin.zrange(`${prefix}{carol}:sessions`, '0', '-1')).toEqual(['new']);
    expect(await store.cleanupExpired()).toEqual({ sessions: 1, messages: 1 });
    expect(await store.deleteUser({ userId: 'carol' })).toEqual({ sessions: 1, messages: 1 });
    expect(await keysUnder(`${prefix}{carol}`)).toEqual([]);
  });

  it('runs one cleanup at a time', async () => {
    const [store, prefix] = await open(60);
    await admin.set(`${prefix}cleanup-lock`, 'someone-else', 'PX', 10_000);
    await expect(store.cleanupExpired()).rejects.toBeInstanceOf(BusyError);
    await admin.del(`${prefix}cleanup-lock`);
    expect(await store.cleanupExpired()).toEqual({ sessions: 0, messages: 0 });
  });

  it('refuses a key prefix that would break hash tags', async () => {
    await expect(createStore({ url: server.url, keyPrefix: 'a{b}:' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('says unavailable when its Redis is gone', async () => {
    const own = await startOwnRedis();
    const store = await createStore({ url: own.url, keyPrefix: 'gone:' });
    stores.push(store);
    await store.ping();
    await own.stop();
    await expect(store.ping()).rejects.toBeInstanceOf(UnavailableError);
    await expect(
      store.append({ userId: 'a', sessionId: 's', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(UnavailableError);
  });
});
