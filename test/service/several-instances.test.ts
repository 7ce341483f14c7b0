import { describe, expect, inject, it } from 'vitest';
import {
  ADMIN_TOKEN,
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
});
