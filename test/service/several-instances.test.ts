import { describe, expect, inject, it } from 'vitest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/servers.js';
import { openEventStream } from './support/event-stream.js';
import { spawnService } from './support/spawn-service.js';
import {
  ADMIN_TOKEN,
  countRows,
  freshSchema,
  startTestService,
  type TestService,
} from './support/service-under-test.js';

/**
 * Three service instances on one PostgreSQL and one Redis (the hybrid, as REDIS_URL makes it),
 * in one schema and one key prefix of this test's own, called round-robin: what one instance
 * does, the others see.
 */
// Above the 63 requests the append test makes for its user.
const LIMIT = 80;

async function threeInstances(): Promise<TestService[]> {
  const schema = freshSchema();
  const settings = {
    schema,
    redisKeyPrefix: `${schema}:`,
    rateLimitMax: LIMIT,
    rateLimitWindowSeconds: 600,
    // Long enough that only the revocation channel can explain a key refused at once.
    authCacheSeconds: 600,
  };
  // The first migrates; the others start on the migrated schema, as a rolling deploy would.
  const first = await startTestService('hybrid', settings);
  const rest = await Promise.all([1, 2].map(() => startTestService('hybrid', settings)));
  return [first, ...rest];
}

const available = inject('postgresAvailable') && inject('redisAvailable');

describe.skipIf(!available)('several service instances on one PostgreSQL and one Redis', () => {
  it('share one rate limit budget per user', async () => {
    const apis = await threeInstances();
    const key = await apis[0]!.newUser('carol');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      const response = await apis[i % 3]!.request('GET', '/v1/sessions', { token: key });
      statuses.push(response.status);
    }
    // Counted per process, each instance would have allowed LIMIT: 3 * LIMIT in all.
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429, 429, 429]);
    for (const api of apis) {
      const refused = await api.request('GET', '/v1/sessions', { token: key });
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
    }
  });

  it('refuse an erased user on every instance as soon as the erase is answered', async () => {
    const apis = await threeInstances();
    const key = await apis[0]!.newUser('bob');
    // Every instance verifies the key and caches it (for AUTH_CACHE_SECONDS = 600).
    for (const api of apis) {
      expect((await api.request('GET', '/v1/sessions', { token: key })).status).toBe(200);
    }
    const erased = await apis[0]!.request('DELETE', '/v1/admin/users/bob', { token: ADMIN_TOKEN });
    expect(erased.status).toBe(200);
    for (const api of [apis[1]!, apis[2]!, apis[0]!]) {
      const refused = await api.request('GET', '/v1/sessions', { token: key });
      expect(refused.status).toBe(401);
    }
  });

  it('land appends made through all three in one session, once each and in order', async () => {
    const apis = await threeInstances();
    const key = await apis[0]!.newUser('dave');
    const count = 30;
    for (let i = 0; i < count; i++) {
      const body = { role: 'user', content: `message ${i}`, message_id: `m${i}` };
      const first = await apis[i % 3]!.request('POST', '/v1/sessions/chat/messages', {
        token: key,
        body,
      });
      expect(first.status).toBe(201);
      expect(first.body.messages[0].seq).toBe(i + 1);
      // A retry through the next instance finds the stored message: nothing is written twice.
      const retry = await apis[(i + 1) % 3]!.request('POST', '/v1/sessions/chat/messages', {
        token: key,
        body,
      });
      expect(retry.status).toBe(200);
      expect(retry.body.messages[0].seq).toBe(i + 1);
    }
    const expected = Array.from({ length: count }, (_, i) => `message ${i}`);
    for (const api of apis) {
      const history = await api.request('GET', '/v1/sessions/chat/messages?limit=100', {
        token: key,
      });
      expect(history.status).toBe(200);
      const messages = history.body.messages as { seq: number; content: string }[];
      expect(messages.map((m) => m.content)).toEqual(expected);
      expect(messages.map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
    }
  });

  it('stream a draft from one instance while the others checkpoint and finalize it', async () => {
    const apis = await threeInstances();
    const key = await apis[0]!.newUser('fern');
    const begun = await apis[0]!.request('POST', '/v1/sessions/chat/drafts', {
      token: key,
      body: { message_id: 'reply' },
    });
    expect(begun.status).toBe(201);
    const lease = begun.body.lease as string;
    const stream = await openEventStream(`${apis[1]!.url}/v1/sessions/chat/messages/reply/events`, {
      authorization: `Bearer ${key}`,
    });
    expect(await stream.next()).toMatchObject({ id: '1', data: { status: 'streaming' } });
    const streamed = ['Hel', 'Hello', 'Hello, wor'];
    for (const [i, content] of streamed.entries()) {
      const put = await apis[i % 2 === 0 ? 2 : 0]!.request(
        'PUT',
        '/v1/sessions/chat/drafts/reply',
        {
          token: key,
          body: { lease, content },
        },
      );
      expect(put.status).toBe(200);
      expect(await stream.next()).toMatchObject({ id: String(i + 2), data: { content } });
    }
    const done = await apis[2]!.request('POST', '/v1/sessions/chat/drafts/reply/finalize', {
      token: key,
      body: { lease, status: 'complete', content: 'Hello, world' },
    });
    expect(done.status).toBe(200);
    expect(await stream.next()).toMatchObject({
      data: { status: 'complete', content: 'Hello, world' },
    });
    expect(await stream.next()).toBeNull();
  });

  it.each(['write-through', 'write-behind'] as const)(
    'lose nothing acknowledged when one instance is killed mid-load (%s)',
    async (cacheWriteMode) => {
      const schema = freshSchema();
      // A flusher's entries left pending by the killed instance are taken over after this.
      const claimIdleMs = 500;
      const settings = {
        schema,
        redisKeyPrefix: `${schema}:`,
        cacheWriteMode,
        flushClaimIdleMs: claimIdleMs,
      };
      const live = [await startTestService('hybrid', settings)];
      live.push(await startTestService('hybrid', settings));
      const key = await live[0]!.newUser('erin');
      // The third instance is a process of its own, so that it can be killed outright.
      const doomed = spawnService({
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: TEST_DATABASE_URL,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: `${schema}:`,
        CONVSTORE_SCHEMA: schema,
        CACHE_WRITE_MODE: cacheWriteMode,
        FLUSH_CLAIM_IDLE_MS: String(claimIdleMs),
        CONVSTORE_ADMIN_TOKEN: ADMIN_TOKEN,
        CONVSTORE_MIGRATE: 'false',
        CLEANUP_INTERVAL: '0',
        RATE_LIMIT_MAX: '0',
        LOG_LEVEL: 'silent',
      });
      try {
        const url = (await doomed.waitFor(/serving .* at (http:\/\/[\d.:]+)/))[1]!;
        const urls = [live[0]!.url, live[1]!.url, url];
        const append = async (base: string, i: number) => {
          const response = await fetch(`${base}/v1/sessions/load/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ role: 'user', content: `message ${i}`, message_id: `m${i}` }),
          });
          return response.status;
        };
        const count = 60;
        const statuses: number[] = Array<number>(count).fill(0);
        const wave = (from: number, onDoomedAnswer: () => void) =>
          Array.from({ length: count / 2 }, (_, j) => from + j).map(async (i) => {
            statuses[i] = await append(urls[i % 3]!, i).catch(() => 0);
            if (i % 3 === 2 && statuses[i] === 201) onDoomedAnswer();
          });
        // A first wave, all answered (the third instance acknowledges its share), then a second,
        // during which the third is killed as soon as it has answered one: others are in flight.
        await Promise.all(wave(0, () => {}));
        expect(statuses.slice(0, count / 2).every((s) => s === 201)).toBe(true);
        await Promise.all(wave(count / 2, () => doomed.child.kill('SIGKILL')));
        await doomed.exited;
        expect(doomed.child.signalCode).toBe('SIGKILL');
        const acknowledged = statuses.flatMap((status, i) => (status === 201 ? [i] : []));
        // Every append to a live instance was answered.
        expect(statuses.filter((_, i) => i % 3 !== 2).every((s) => s === 201)).toBe(true);

        const history = await live[1]!.request('GET', '/v1/sessions/load/messages?limit=100', {
          token: key,
        });
        const contents = (history.body.messages as { content: string }[]).map((m) => m.content);
        for (const i of acknowledged) expect(contents).toContain(`message ${i}`);
        // Nothing twice, and the unanswered ones, retried through a live instance, land once.
        expect(new Set(contents).size).toBe(contents.length);
        for (let i = 0; i < count; i++) {
          if (statuses[i] !== 201) expect([200, 201]).toContain(await append(live[i % 2]!.url, i));
        }
        const after = await live[0]!.request('GET', '/v1/sessions/load/messages?limit=100', {
          token: key,
        });
        const all = (after.body.messages as { content: string }[]).map((m) => m.content);
        expect(all.length).toBe(count);
        expect(new Set(all).size).toBe(count);
        // And PostgreSQL ends up with every one, once (write-behind: once the live instances'
        // flushers have drained the stream, the killed one's share included).
        await expect
          .poll(() => countRows('hybrid', schema, 'messages'), { timeout: 30_000, interval: 50 })
          .toBe(count);
      } finally {
        if (doomed.child.exitCode === null && doomed.child.signalCode === null) {
          doomed.child.kill('SIGKILL');
        }
        await doomed.exited;
      }
    },
    60_000,
  );
});
