import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createStore, type ConversationStore } from '../../../src/index.js';
import { startOwnRedis, type OwnRedis } from '../../support/servers.js';

const available = inject('redisAvailable');

/**
 * The redis store runs its scripts as functions of one library where the server has functions,
 * loads the library again when the server lost it, and runs them as scripts where the server
 * refuses functions. Each case on a Redis of the test's own (FUNCTION FLUSH is the test's to
 * call there, never on the shared one).
 */
describe.skipIf(!available)('redis store: scripts as a function library', () => {
  const servers: OwnRedis[] = [];
  const stores: ConversationStore[] = [];
  const admins: Redis[] = [];

  afterAll(async () => {
    for (const store of stores) await store.close().catch(() => {});
    for (const admin of admins) admin.disconnect();
    for (const server of servers) await server.stop();
  });

  async function server(args: string[] = []): Promise<[string, Redis]> {
    const own = await startOwnRedis(args);
    servers.push(own);
    const admin = new Redis(own.url);
    admins.push(admin);
    return [own.url, admin];
  }

  async function open(url: string): Promise<ConversationStore> {
    const store = await createStore({ url, keyPrefix: 'fl:', ttlSeconds: 60 });
    stores.push(store);
    return store;
  }

  async function calls(admin: Redis, command: string): Promise<number> {
    const stats = await admin.info('commandstats');
    const escaped = command.replace('|', '\\|');
    return Number(new RegExp(`cmdstat_${escaped}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  }

  const key = { userId: 'ana', sessionId: 's' };
  const say = (content: string) => ({ ...key, messages: [{ role: 'user' as const, content }] });

  it('loads one library and answers every call with FCALL', async () => {
    const [url, admin] = await server();
    const store = await open(url);
    await store.append(say('one'));
    await admin.config('RESETSTAT');
    await store.append(say('two'));
    const page = await store.history(key);
    await store.listSessions({ userId: 'ana' });
    expect(page.map((m) => m.content)).toEqual(['one', 'two']);
    expect(await calls(admin, 'fcall')).toBe(3);
    expect(await calls(admin, 'evalsha')).toBe(0);
    const libraries = (await admin.call('FUNCTION', 'LIST')) as unknown[][];
    const names = libraries.map((library) => String(library[1]));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^convstore_redis_[0-9a-f]{12}$/);
  });

  it('loads the library again when the server lost it, losing no write', async () => {
    const [url, admin] = await server();
    const store = await open(url);
    await store.append(say('before'));
    await admin.call('FUNCTION', 'FLUSH');
    await Promise.all(['a', 'b', 'c'].map((content) => store.append(say(content))));
    const page = await store.history(key);
    expect(page.map((m) => m.content).sort()).toEqual(['a', 'b', 'before', 'c']);
    expect(await calls(admin, 'function|load')).toBe(2);
    await admin.config('RESETSTAT');
    await store.append(say('after'));
    expect(await calls(admin, 'fcall')).toBe(1);
  });

  it('runs the scripts as scripts where the server refuses functions', async () => {
    const [url, admin] = await server(['--rename-command', 'FUNCTION', '']);
    const store = await open(url);
    await store.append(say('one'));
    await store.append(say('two'));
    await admin.config('RESETSTAT');
    const page = await store.history(key);
    expect(page.map((m) => m.content)).toEqual(['one', 'two']);
    expect((await calls(admin, 'evalsha')) + (await calls(admin, 'eval'))).toBeGreaterThan(0);
    expect(await calls(admin, 'fcall')).toBe(0);
  });
});
