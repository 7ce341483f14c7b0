import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type ConversationStore } from '../../src/index.js';
import { migrateRedis } from '../../src/jobs/migrate-redis/migrate-redis.js';
import { startRedisCluster } from '../support/servers.js';
import {
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  TEST_DATABASE_URL,
} from './support/job-fixtures.js';

/**
 * A Redis Cluster source: three masters of our own on free ports, started for this file and
 * stopped (by pid) after it. Sessions live on every master, so SCAN must walk each of them, and
 * no pipeline may span two slots.
 */
describe.skipIf(!available())('migrate-redis from a Redis Cluster', () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    client = new Cluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { lazyConnect: true },
    );
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  async function open(options: Parameters<typeof createStore>[0]): Promise<ConversationStore> {
    const store = await createStore(options);
    onCleanup(() => store.close());
    return store;
  }

  it('migrates the convstore layout spread over every master, verifies, and deletes the source', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const source = await open({ url: cluster.url, keyPrefix: prefix });
    const keys: Array<{ userId: string; sessionId: string }> = [];
    for (let u = 0; u < 30; u++) {
      for (let s = 0; s < 5; s++) {
        const key = { userId: `user-${u}`, sessionId: `s-${s}` };
        keys.push(key);
        await source.append({
          ...key,
          messages: [
            { role: 'user', content: `question ${u}.${s} ✓` },
            { role: 'assistant', content: `answer ${u}.${s}`, metadata: { u, s } },
          ],
        });
      }
    }
    const masters = await Promise.all(client.nodes('master').map((node) => node.dbsize()));
    expect(masters.filter((size) => size > 0).length).toBe(3);

    const summary = await migrateRedis({
      from: cluster.url,
      to: TEST_DATABASE_URL,
      schema,
      format: 'convstore',
      prefix,
      verify: true,
      deleteSource: true,
    });
    expect(summary).toMatchObject({
      sessions: 150,
      messages: 300,
      unreadable: 0,
      verification: { sessions: 150, differences: 0 },
    });
    expect(summary.deletedKeys).toBeGreaterThanOrEqual(300);

    const target = await open({ url: TEST_DATABASE_URL, schema });
    for (const key of keys.filter((_, i) => i % 7 === 0)) {
      const history = await target.history(key);
      expect(history.map((m) => [m.seq, m.role])).toEqual([
        [1, 'user'],
        [2, 'assistant'],
      ]);
    }
    expect((await source.listSessions({ userId: 'user-3' })).sessions).toEqual([]);
  });

  it('migrates LangChain lists spread over every master', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    for (let n = 0; n < 120; n++) {
      const key = `${prefix}chat:${n}`;
      await client.lpush(key, JSON.stringify({ type: 'human', data: { content: `hi ${n}` } }));
      await client.lpush(key, JSON.stringify({ type: 'ai', data: { content: `hello ${n}` } }));
    }
    onCleanup(async () => {
      await Promise.all(Array.from({ length: 120 }, (_, n) => client.unlink(`${prefix}chat:${n}`)));
    });
    const summary = await migrateRedis({
      from: cluster.url,
      to: TEST_DATABASE_URL,
      schema,
      format: 'langchain',
      keyPattern: `${prefix}chat:*`,
      userId: 'ivy',
      verify: true,
    });
    expect(summary).toMatchObject({
      sessions: 120,
      messages: 240,
      verification: { sessions: 120, differences: 0 },
    });
    const target = await open({ url: TEST_DATABASE_URL, schema });
    expect(
      (await target.history({ userId: 'ivy', sessionId: '77' })).map((m) => m.content),
    ).toEqual(['hi 77', 'hello 77']);
  });
});
