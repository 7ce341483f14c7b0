import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Cluster } from 'ioredis';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createStore,
  runFlusher,
  UnavailableError,
  type ConversationStore,
  type StoreOptions,
} from '../../../src/index.js';
import { loadServiceConfig, startService } from '../../../src/service/index.js';
import { CacheKeys } from '../../../src/stores/hybrid/cache-keys.js';
import { BUCKET_TAGS, bucketOf, slotOf } from '../../../src/stores/hybrid/flush-buckets.js';
import {
  startRedisCluster,
  TEST_DATABASE_URL,
  type OwnRedisCluster,
} from '../../support/servers.js';

const available = inject('postgresAvailable');
const FLUSHER = fileURLToPath(new URL('./fixtures/flusher-process.ts', import.meta.url));
/** One user per bucket, so that every bucket's stream (and every master) has work. */
const USERS = BUCKET_TAGS.map((_, bucket) => {
  for (let n = 0; ; n++) if (bucketOf(`user-${n}`) === bucket) return `user-${n}`;
});

/**
 * The hybrid's write-behind on a Redis Cluster of its own: three masters with a replica each, on
 * free loopback ports, started once for this file (stopped by pid after it). Each test has its
 * own schema and key prefix.
 */
describe.skipIf(!available)('hybrid write-behind on a Redis Cluster', () => {
  let cluster: OwnRedisCluster;
  let admin: Cluster;
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  let counter = 0;
  let current: { schema: string; store?: ConversationStore } | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicas: 1 });
    admin = new Cluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { lazyConnect: true },
    );
    admin.on('error', () => {});
    await admin.connect();
  }, 60_000);

  afterEach(async () => {
    await current?.store?.close();
    if (current) await sql.unsafe(`DROP SCHEMA IF EXISTS "${current.schema}" CASCADE`);
    current = undefined;
  });

  afterAll(async () => {
    admin?.disconnect();
    await cluster?.stop();
    await sql.end();
  });

  /** Options of a fresh schema and key prefix on the cluster. */
  function fresh(cache: Partial<NonNullable<StoreOptions['cache']>> = {}): StoreOptions {
    const schema = `${inject('runPrefix')}_cwb_${process.pid}_${++counter}`;
    current = { schema };
    return {
      url: TEST_DATABASE_URL,
      schema,
      cache: {
        url: cluster.url,
        keyPrefix: `${schema}:`,
        writeMode: 'write-behind',
        ...cache,
      },
    };
  }

  async function open(options: StoreOptions): Promise<ConversationStore> {
    const store = await createStore({ ...options, migrate: true });
    current!.store = store;
    return store;
  }

  /** Entries waiting (and pending) in every bucket's stream of a key prefix. */
  async function queued(prefix: string): Promise<{ entries: number; pending: number }> {
    const streams = new CacheKeys(prefix).streams().map((stream) => stream.key);
    const lengths = await Promise.all(streams.map((key) => admin.xlen(key)));
    const pending = await Promise.all(
      streams.map(async (key) => {
        // A stream no flusher has read yet has no group.
        const groups = (await admin.exists(key)) === 1 ? await admin.xinfo('GROUPS', key) : [];
        if ((groups as unknown[]).length === 0) return 0;
        const [count] = (await admin.xpending(key, 'convstore-flusher')) as [number];
        return count;
      }),
    );
    return {
      entries: lengths.reduce((a, b) => a + b, 0),
      pending: pending.reduce((a, b) => a + b, 0),
    };
  }

  /** What PostgreSQL holds of one session: [seq, content], in seq order. */
  async function rows(schema: string, userId: string): Promise<Array<[number, string]>> {
    const found = await sql.unsafe<Array<{ seq: string; content: string }>>(
      `SELECT seq, content FROM "${schema}".messages WHERE user_id = $1 AND session_id = 'chat'
        ORDER BY seq`,
      [userId],
    );
    return found.map((row) => [Number(row.seq), row.content]);
  }

  it('spreads users over every master, and two flushers drain every stream, each entry once', async () => {
    const masters = new Set(USERS.map((user) => masterOf(admin, BUCKET_TAGS[bucketOf(user)]!)));
    expect(masters.size).toBe(3);

    const options = fresh({ flusher: false });
    const store = await open(options);
    for (let round = 1; round <= 5; round++) {
      await Promise.all(
        USERS.map((userId) =>
          store.append({
            userId,
            sessionId: 'chat',
            messages: [{ role: 'user', content: `${userId} says ${round}` }],
          }),
        ),
      );
    }
    const prefix = options.cache!.keyPrefix!;
    expect((await queued(prefix)).entries).toBe(USERS.length * 5);

    // Two flushers at once, as two instances would: the consumer groups hand each entry to one.
    const flush = () => runFlusher({ ...options, once: true, log: () => {} });
    const [first, second] = await Promise.all([flush(), flush()]);
    expect(first.flushed + second.flushed).toBe(USERS.length * 5);
    expect(await queued(prefix)).toEqual({ entries: 0, pending: 0 });
    for (const userId of USERS) {
      expect(await rows(options.schema!, userId)).toEqual(
        [1, 2, 3, 4, 5].map((round) => [round, `${userId} says ${round}`]),
      );
    }
    // The cached window is still served, and agrees with PostgreSQL.
    const history = await store.history({ userId: 'user-3', sessionId: 'chat', last: 2 });
    expect(history.map((m) => m.content)).toEqual(['user-3 says 4', 'user-3 says 5']);
  });

  it('a flusher killed after its commit leaves its entries pending; another claims them and writes each once', async () => {
    const options = fresh({ flusher: false, flushBatchSize: 5, claimIdleMs: 1 });
    const store = await open(options);
    for (let round = 1; round <= 4; round++) {
      for (const userId of USERS) {
        await store.append({
          userId,
          sessionId: 'chat',
          messages: [{ role: 'user', content: `${userId} says ${round}` }],
        });
      }
    }
    const child = spawn(process.execPath, ['--import', 'tsx', FLUSHER], {
      env: {
        ...process.env,
        CONVSTORE_FLUSHER: JSON.stringify(options),
        CONVSTORE_FLUSHER_HANG: 'committed',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => output, { timeout: 20_000 }).toMatch(/committed \d+/);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const prefix = options.cache!.keyPrefix!;
    const left = await queued(prefix);
    expect(left.pending).toBeGreaterThan(0);
    expect(left.entries).toBe(USERS.length * 4);

    const report = await runFlusher({ ...options, once: true, log: () => {} });
    expect(report.flushed).toBe(USERS.length * 4);
    expect(await queued(prefix)).toEqual({ entries: 0, pending: 0 });
    for (const userId of USERS) {
      expect(await rows(options.schema!, userId)).toEqual(
        [1, 2, 3, 4].map((round) => [round, `${userId} says ${round}`]),
      );
    }
  });

  it('runs the service on it: REDIS_URL=redis+cluster://, two instances sharing the cache and one rate limit', async () => {
    const { schema } = fresh();
    const limit = 6;
    const config = loadServiceConfig({
      PORT: '0',
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: cluster.url,
      REDIS_KEY_PREFIX: `${schema}:`,
      CONVSTORE_SCHEMA: schema,
      CACHE_WRITE_MODE: 'write-behind',
      CACHE_WAIT_REPLICAS: '1',
      CONVSTORE_ADMIN_TOKEN: 'cluster-admin-token-0123456789abcdef',
      RATE_LIMIT_MAX: String(limit),
      RATE_LIMIT_WINDOW: '600',
      CLEANUP_INTERVAL: '0',
      LOG_LEVEL: 'silent',
    });
    const first = await startService(config, { say: () => {} });
    const second = await startService(config, { say: () => {} }).catch(async (error: unknown) => {
      await first.close();
      throw error;
    });
    try {
      const call = (url: string, method: string, path: string, token: string, body?: unknown) =>
        fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const created = await call(
        first.url,
        'POST',
        '/v1/admin/users',
        'cluster-admin-token-0123456789abcdef',
        { user_id: 'olga' },
      );
      const { api_key: key } = (await created.json()) as { api_key: string };
      const statuses: number[] = [];
      for (let i = 0; i < limit + 2; i++) {
        const url = i % 2 === 0 ? first.url : second.url;
        const response =
          i < 2
            ? await call(url, 'POST', '/v1/sessions/chat/messages', key, {
                role: 'user',
                content: `hello ${i}`,
              })
            : await call(url, 'GET', '/v1/sessions/chat/messages?last=5', key);
        statuses.push(response.status);
        if (i === 3) {
          const { messages } = (await response.json()) as { messages: Array<{ content: string }> };
          expect(messages.map((m) => m.content)).toEqual(['hello 0', 'hello 1']);
        }
      }
      // One budget through both instances: counted per process, each would allow `limit`.
      expect(statuses).toEqual([201, 201, ...Array<number>(limit - 2).fill(200), 429, 429]);
    } finally {
      await second.close();
      await first.close();
    }
  });

  /**
   * Runs `step(user, n)` for n = 1, 2, ... for every user at once, each step retried while it
   * fails as unavailable (a client's retry), kills the master serving the first user's bucket,
   * waits for its replica to take over, checks that the promoted master (which has no replica
   * left) refuses writes, brings the killed node back as its replica, and stops once every user
   * has made progress again. Returns the steps that were acknowledged, per user.
   */
  async function failoverUnderLoad(
    store: ConversationStore,
    step: (userId: string, n: number) => Promise<void>,
  ): Promise<Map<string, number>> {
    const victimPort = Number(masterOf(admin, BUCKET_TAGS[bucketOf(USERS[0]!)]!).split(':')[1]);
    const done = new Map<string, number>(USERS.map((user) => [user, 0]));
    const unexpected: unknown[] = [];
    let phase: 'before' | 'after' | 'stop' = 'before';
    const afterFailover = new Map<string, number>();
    const worker = async (userId: string) => {
      for (let n = 1; phase !== 'stop'; n++) {
        // A client's retry: the same step (idempotent) until it is acknowledged, however long
        // the failover keeps the slot without a writable master.
        await expect
          .poll(
            () =>
              step(userId, n).then(
                () => true,
                (error: unknown) => {
                  if (!(error instanceof UnavailableError)) unexpected.push(error);
                  return false;
                },
              ),
            { timeout: 60_000, interval: 20 },
          )
          .toBe(true);
        done.set(userId, n);
        if (phase === 'after') afterFailover.set(userId, (afterFailover.get(userId) ?? 0) + 1);
      }
    };
    const load = Promise.all(USERS.map(worker));
    try {
      const total = () => [...done.values()].reduce((sum, n) => sum + n, 0);
      await expect.poll(total, { timeout: 20_000 }).toBeGreaterThan(100);
      await cluster.kill(victimPort);
      const replica = await replicaPortOf(cluster, victimPort);
      await expect
        .poll(() => redisInfo(replica), { timeout: 30_000, interval: 200 })
        .toContain('role:master');
      // The promoted master has no replica left: what waitReplicas promises is that its writes
      // are refused (not acknowledged) rather than kept on one copy. A session of its own, so
      // as not to disturb the load.
      await expect
        .poll(
          () =>
            store
              .append({
                userId: USERS[0]!,
                sessionId: 'probe',
                messages: [{ role: 'user', content: 'probe', messageId: 'probe.1' }],
              })
              .then(
                () => 'acknowledged',
                (error: Error) => error.message,
              ),
          { timeout: 30_000 },
        )
        .toMatch(/replicas required/);
      // The killed node returns empty and rejoins as the replica of the one that took its place.
      await cluster.restart(victimPort);
      phase = 'after';
      // Every user goes on, those of the promoted master's slots included.
      await expect
        .poll(() => USERS.every((user) => (afterFailover.get(user) ?? 0) >= 5), {
          timeout: 30_000,
        })
        .toBe(true);
    } finally {
      phase = 'stop';
      await load;
    }
    expect(unexpected).toEqual([]);
    return done;
  }

  it('write-behind, waitReplicas 1: a master killed mid-load and its replica promoted loses nothing acknowledged', async () => {
    // A short WAIT timeout: on the shard left without a replica each refused write holds its node
    // connection that long (WAIT blocks it).
    const options = fresh({ waitReplicas: 1, waitTimeoutMs: 100, claimIdleMs: 2000 });
    const store = await open(options);
    const content = (userId: string, n: number) => `${userId} says ${n}`;
    const acknowledged = await failoverUnderLoad(store, async (userId, n) => {
      // The same messageId on every retry, so a retry stores nothing twice.
      await store.append({
        userId,
        sessionId: 'chat',
        messages: [{ role: 'user', content: content(userId, n), messageId: `${userId}.m${n}` }],
      });
    });
    await expect
      .poll(
        async () => {
          await store.capabilities.flush!().catch(() => 0);
          return (await store.capabilities.writeBehindQueue!()).depth;
        },
        { timeout: 30_000 },
      )
      .toBe(0);
    for (const [userId, count] of acknowledged) {
      const expected = Array.from({ length: count }, (_, i) => [i + 1, content(userId, i + 1)]);
      expect(await rows(options.schema!, userId)).toEqual(expected);
    }
  }, 90_000);
});

/** The address (`host:port`) of the master serving a hash tag's slot. */
function masterOf(admin: Cluster, tag: string): string {
  const nodes = admin.slots[slotOf(tag)];
  if (!nodes?.[0]) throw new Error(`no node serves the slot of ${tag}`);
  return nodes[0];
}

async function redisInfo(port: number): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('redis-cli', ['-p', String(port), 'info', 'replication'], (_, stdout) =>
      resolve(stdout ?? ''),
    );
  });
}

/** The port of the replica whose master listens on `port` (read from a node's CLUSTER NODES). */
async function replicaPortOf(cluster: OwnRedisCluster, port: number): Promise<number> {
  const { execFile } = await import('node:child_process');
  const other = cluster.ports.find((candidate) => candidate !== port)!;
  const nodes = await new Promise<string>((resolve, reject) =>
    execFile('redis-cli', ['-p', String(other), 'cluster', 'nodes'], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
  const lines = nodes
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  const master = lines.find(([, address]) => address?.startsWith(`127.0.0.1:${port}@`));
  const replica = lines.find(([, , , masterId]) => masterId === master?.[0]);
  if (!replica) throw new Error(`no replica of the node on ${port}`);
  return Number(replica[1]!.split(':')[1]!.split('@')[0]);
}
