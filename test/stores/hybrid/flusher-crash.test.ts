import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import {
  createStore,
  runFlusher,
  type ConversationStore,
  type Message,
  type StoreOptions,
} from '../../../src/index.js';
import { CacheKeys } from '../../../src/stores/hybrid/cache-keys.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

const available = inject('postgresAvailable') && inject('redisAvailable');
const FLUSHER = fileURLToPath(new URL('./fixtures/flusher-process.ts', import.meta.url));

describe.skipIf(!available)('hybrid write-behind: a flusher killed mid-batch', () => {
  const name = `${inject('runPrefix')}_crash_${process.pid}`;
  const options: StoreOptions = {
    url: TEST_DATABASE_URL,
    schema: name,
    cache: {
      url: TEST_REDIS_URL,
      keyPrefix: `${name}:`,
      writeMode: 'write-behind',
      flusher: false,
      flushBatchSize: 10,
      claimIdleMs: 1,
    },
  };
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const redis = new Redis(TEST_REDIS_URL);
  let store: ConversationStore | undefined;

  afterEach(async () => {
    await store?.close();
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await deleteKeysWithPrefix(redis, `${name}:`);
  });

  afterAll(async () => {
    await sql.end();
    redis.disconnect();
  });

  it.each([
    ['after its commit, before acknowledging', 'committed', 10],
    ['inside its transaction, before the commit', 'written', 0],
  ] as const)(
    'killed %s: every acknowledged message ends in PostgreSQL once, in order',
    async (_, point, committed) => {
      store = await createStore({ ...options, migrate: true });
      const acknowledged = new Map<string, Message[]>();
      const appendSome = async (count: number) => {
        await Promise.all(
          Array.from({ length: count }, async (_, i) => {
            const sessionId = `s${i % 3}`;
            const { messages } = await store!.append({
              userId: 'alice',
              sessionId,
              messages: [{ role: 'user', content: `message ${i}` }],
            });
            acknowledged.set(sessionId, [...(acknowledged.get(sessionId) ?? []), ...messages]);
          }),
        );
      };
      await appendSome(45);

      // A flusher in its own process takes one batch of 10 entries and is killed (SIGKILL) at
      // `point`: the entries stay pending in the consumer group, committed or not.
      const child = spawn(process.execPath, ['--import', 'tsx', FLUSHER], {
        env: {
          ...process.env,
          CONVSTORE_FLUSHER: JSON.stringify(options),
          CONVSTORE_FLUSHER_HANG: point,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await expect.poll(() => output, { timeout: 20_000 }).toContain(`${point} 10`);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      await expect
        .poll(async () => {
          // A killed client's open transaction ends when PostgreSQL notices the closed socket.
          const [row] = await sql.unsafe<[{ flushed: number }]>(
            `SELECT count(*)::int AS flushed FROM "${name}".messages`,
          );
          return row.flushed;
        })
        .toBe(committed);
      const pending = (await redis.xpending(
        new CacheKeys(`${name}:`).stream('alice'),
        'convstore-flusher',
      )) as [number];
      expect(pending[0]).toBe(10);

      // Writes go on while nobody flushes; then a new flusher claims the dead one's batch.
      await appendSome(15);
      const report = await runFlusher({ ...options, once: true, log: () => {} });
      expect(report.flushed).toBe(60);

      for (const [sessionId, messages] of acknowledged) {
        const rows = await sql.unsafe<Array<{ seq: string; message_id: string; content: string }>>(
          `SELECT seq, message_id, content FROM "${name}".messages
          WHERE user_id = 'alice' AND session_id = $1 ORDER BY seq`,
          [sessionId],
        );
        const expected = [...messages].sort((a, b) => a.seq - b.seq);
        expect(rows.map((row) => [Number(row.seq), row.message_id, row.content])).toEqual(
          expected.map((m) => [m.seq, m.messageId, m.content]),
        );
        expect(expected.map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
      }
      const total = [...acknowledged.values()].reduce((sum, list) => sum + list.length, 0);
      expect(total).toBe(60);
      expect(await redis.xlen(new CacheKeys(`${name}:`).stream('alice'))).toBe(0);
      // PostgreSQL's sessions agree with what the store acknowledged.
      for (const [sessionId, messages] of acknowledged) {
        const [row] = await sql.unsafe<[{ last_seq: string; message_count: number }]>(
          `SELECT last_seq, message_count FROM "${name}".sessions
          WHERE user_id = 'alice' AND session_id = $1`,
          [sessionId],
        );
        expect([Number(row.last_seq), row.message_count]).toEqual([
          messages.length,
          messages.length,
        ]);
      }
    },
  );
});
