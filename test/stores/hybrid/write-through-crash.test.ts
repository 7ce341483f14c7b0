import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  cacheStats,
  createStore,
  NotFoundError,
  UnavailableError,
  type ConversationStore,
  type StoreOptions,
} from '../../../src/index.js';
import { MARK_ABANDONED_MS } from '../../../src/stores/hybrid/write-marks.js';
import { CacheKeys } from '../../../src/stores/hybrid/cache-keys.js';
import { startOwnRedis, TEST_DATABASE_URL, type OwnRedis } from '../../support/servers.js';

const available = inject('postgresAvailable') && inject('redisAvailable');
const WRITER = fileURLToPath(new URL('./fixtures/append-process.ts', import.meta.url));

/**
 * write-through, with the writer SIGKILLed at the instants where PostgreSQL and Redis disagree:
 * a later read (here: by a restarted instance) must show every committed message. Redis is the
 * test's own, since it pauses it.
 */
describe.skipIf(!available)('hybrid write-through: a writer killed mid-append', () => {
  const schema = `${inject('runPrefix')}_wtcrash_${process.pid}`;
  const sql = postgres(TEST_DATABASE_URL, { max: 2, onnotice: () => {} });
  let redis: OwnRedis;
  let admin: Redis;
  let options: StoreOptions;
  const opened: ConversationStore[] = [];
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    redis = await startOwnRedis();
    admin = new Redis(redis.url);
    options = { url: TEST_DATABASE_URL, schema, cache: { url: redis.url, keyPrefix: 'wt:' } };
    opened.push(await createStore({ ...options, migrate: true }));
  });

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await admin.client('UNPAUSE');
    for (const store of opened.splice(0)) await store.close();
  });

  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
  });

  const open = async () => {
    const store = await createStore(options);
    opened.push(store);
    return store;
  };

  /** Three messages, read until the read is served from the cache. */
  async function cachedSession(sessionId: string) {
    const store = await open();
    const key = { userId: 'alice', sessionId };
    for (let i = 1; i <= 3; i++) {
      await store.append({ ...key, messages: [{ role: 'user', content: `m${i}` }] });
    }
    await expect
      .poll(async () => {
        await store.history({ ...key, last: 10 });
        return cacheStats(store)!.hits;
      })
      .toBeGreaterThan(0);
    expect(await cachedLastSeq(sessionId)).toBe('3');
    return key;
  }

  const keys = new CacheKeys('wt:');
  const cachedLastSeq = (sessionId: string) => admin.hget(keys.session('alice', sessionId)[0], 'l');
  const marks = (sessionId: string) => admin.zcard(keys.marks('alice', sessionId).session);

  /** Makes every write mark of the session look older than any write can last. */
  async function abandonMarks(sessionId: string) {
    const key = keys.marks('alice', sessionId).session;
    const scored = await admin.zrange(key, '0', '-1', 'WITHSCORES');
    for (let i = 0; i < scored.length; i += 2) {
      await admin.zadd(key, Number(scored[i + 1]) - MARK_ABANDONED_MS - 1000, scored[i]!);
    }
  }

  async function startWriter(
    sessionId: string,
    op: 'append' | 'delete' | 'pop' = 'append',
  ): Promise<() => Promise<void>> {
    const writer = spawn(process.execPath, ['--import', 'tsx', WRITER], {
      env: {
        ...process.env,
        CONVSTORE_OP: op,
        CONVSTORE_STORE: JSON.stringify(options),
        CONVSTORE_APPEND: JSON.stringify({
          userId: 'alice',
          sessionId,
          messages: [{ role: 'user', content: 'm4', messageId: 'fourth' }],
        }),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child = writer;
    let output = '';
    writer.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => output, { timeout: 20_000 }).toContain('opened');
    writer.stdin.write('go\n');
    return async () => {
      expect(output).not.toContain('acknowledged');
      const exited = new Promise((resolve) => writer.once('exit', resolve));
      writer.kill('SIGKILL');
      await exited;
    };
  }

  const committed = async (sessionId: string) =>
    (
      await sql.unsafe<Array<{ seq: string; content: string }>>(
        `SELECT seq, content FROM "${schema}".messages
          WHERE user_id = 'alice' AND session_id = $1 ORDER BY seq`,
        [sessionId],
      )
    ).map((row) => [Number(row.seq), row.content]);

  /**
   * What a restarted instance reads: from PostgreSQL while the dead writer's mark stands, and,
   * once the mark is abandoned, from the cache repaired and refilled.
   */
  async function expectReadsShow(key: { userId: string; sessionId: string }, rows: unknown[]) {
    const store = await open();
    const read = async () =>
      (await store.history({ ...key, last: 10 })).map((m) => [m.seq, m.content]);
    expect(await marks(key.sessionId)).toBe(1);
    expect(await read()).toEqual(rows);
    expect((await store.getSession(key))?.lastSeq).toBe(rows.length);
    expect(cacheStats(store)!.hits).toBe(0);
    await abandonMarks(key.sessionId);
    await expect
      .poll(async () => {
        expect(await read()).toEqual(rows);
        return cacheStats(store)!.hits;
      })
      .toBeGreaterThan(0);
    expect(await cachedLastSeq(key.sessionId)).toBe(String(rows.length));
    expect(await marks(key.sessionId)).toBe(0);
  }

  /** Holds the session's row locked, so that a writer's statement waits in PostgreSQL. */
  async function holdRow(sessionId: string) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: (pid: number) => void;
    const holderPid = new Promise<number>((resolve) => (locked = resolve));
    const holder = sql.begin(async (tx) => {
      const [{ pid }] = await tx.unsafe<[{ pid: number }]>('SELECT pg_backend_pid() AS pid');
      await tx.unsafe(
        `SELECT 1 FROM "${schema}".sessions WHERE user_id = 'alice' AND session_id = $1 FOR UPDATE`,
        [sessionId],
      );
      locked(pid);
      await released;
    });
    const pid = await holderPid;
    let waiting: number | undefined;
    return {
      /** Resolves with the pid of the backend that waits for the row. */
      waiter: async () => {
        await expect
          .poll(
            async () => {
              const [row] = await sql.unsafe<Array<{ pid: number }>>(
                `SELECT pid FROM pg_stat_activity WHERE $1::int = ANY (pg_blocking_pids(pid))`,
                [pid],
              );
              waiting = row?.pid;
              return waiting;
            },
            { timeout: 20_000 },
          )
          .toBeDefined();
        return waiting!;
      },
      release: async () => {
        release();
        await holder;
      },
    };
  }

  it('Redis paused before the write (the reproduction in issue 9): refused, nothing written', async () => {
    const key = await cachedSession('paused');
    await admin.client('PAUSE', 60_000, 'WRITE');
    const store = opened[0]!;
    await expect(
      store.append({ ...key, messages: [{ role: 'user', content: 'm4' }] }),
    ).rejects.toBeInstanceOf(UnavailableError);
    await admin.client('UNPAUSE');
    expect(await committed(key.sessionId)).toHaveLength(3);
    const reads = await store.history({ ...key, last: 10 });
    expect(reads.map((m) => m.content)).toEqual(['m1', 'm2', 'm3']);
  });

  it('killed after its commit, before its cache update: reads show the committed message', async () => {
    const key = await cachedSession('after-commit');
    // The writer marks the session, then waits for the row; Redis then takes no writes, so
    // once the row is free the writer commits and its cache update waits: it is killed there.
    const row = await holdRow(key.sessionId);
    const kill = await startWriter(key.sessionId);
    await row.waiter();
    expect(await marks(key.sessionId)).toBe(1);
    await admin.client('PAUSE', 60_000, 'WRITE');
    await row.release();
    await expect.poll(() => committed(key.sessionId), { timeout: 20_000 }).toHaveLength(4);
    await kill();
    await admin.client('UNPAUSE');
    // The cache still shows 1-3; only the writer's mark says it may be behind.
    expect(await cachedLastSeq(key.sessionId)).toBe('3');
    await expectReadsShow(key, [
      [1, 'm1'],
      [2, 'm2'],
      [3, 'm3'],
      [4, 'm4'],
    ]);
  });

  it('killed after deleting the session, before dropping its cached copy: reads find it gone', async () => {
    const key = await cachedSession('deleted');
    const row = await holdRow(key.sessionId);
    const kill = await startWriter(key.sessionId, 'delete');
    await row.waiter();
    await admin.client('PAUSE', 60_000, 'WRITE');
    await row.release();
    await expect.poll(() => committed(key.sessionId), { timeout: 20_000 }).toHaveLength(0);
    await kill();
    await admin.client('UNPAUSE');
    expect(await cachedLastSeq(key.sessionId)).toBe('3');
    const store = await open();
    await expect(store.history({ ...key, last: 10 })).rejects.toThrow(NotFoundError);
    expect(await store.getSession(key)).toBeNull();
    await abandonMarks(key.sessionId);
    await expect(store.history({ ...key, last: 10 })).rejects.toThrow(NotFoundError);
    expect(await cachedLastSeq(key.sessionId)).toBeNull();
    expect(await marks(key.sessionId)).toBe(0);
  });

  it('killed after popping a message, before dropping its cached copy: reads show it gone', async () => {
    // The message operations of issue 11 (here popMessage) take the write mark like appends.
    const key = await cachedSession('popped');
    const row = await holdRow(key.sessionId);
    const kill = await startWriter(key.sessionId, 'pop');
    await row.waiter();
    expect(await marks(key.sessionId)).toBe(1);
    await admin.client('PAUSE', 60_000, 'WRITE');
    await row.release();
    await expect.poll(() => committed(key.sessionId), { timeout: 20_000 }).toHaveLength(2);
    await kill();
    await admin.client('UNPAUSE');
    expect(await cachedLastSeq(key.sessionId)).toBe('3');
    const store = await open();
    const read = async () =>
      (await store.history({ ...key, last: 10 })).map((m) => [m.seq, m.content]);
    expect(await read()).toEqual([
      [1, 'm1'],
      [2, 'm2'],
    ]);
    expect(cacheStats(store)!.hits).toBe(0);
    await abandonMarks(key.sessionId);
    expect(await read()).toEqual([
      [1, 'm1'],
      [2, 'm2'],
    ]);
    expect(await marks(key.sessionId)).toBe(0);
  });

  it('killed while its statement waits in PostgreSQL, which commits it later: reads show it', async () => {
    const key = await cachedSession('in-flight');
    // Hold the session row, so the writer's append waits for the lock; kill the writer there.
    const row = await holdRow(key.sessionId);
    const kill = await startWriter(key.sessionId);
    const waiting = await row.waiter();
    await kill();
    // The dead writer's statement is still in PostgreSQL: released, it runs to its end.
    await row.release();
    await expect
      .poll(async () => {
        const rows = await sql.unsafe(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [waiting]);
        return rows.length;
      })
      .toBe(0);
    // PostgreSQL ran it to its commit: nobody was left to tell Redis.
    const rows = await committed(key.sessionId);
    expect(rows).toHaveLength(4);
    expect(await cachedLastSeq(key.sessionId)).toBe('3');
    await expectReadsShow(key, rows);
  });
});
