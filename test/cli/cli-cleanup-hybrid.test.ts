import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/index.js';
import {
  admin,
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  redisUrl,
  TEST_DATABASE_URL,
  useRedisDatabase,
} from '../jobs/support/job-fixtures.js';
import { cli } from './capture.js';

useRedisDatabase(10);

describe.skipIf(!available())('convstore cleanup of a write-behind deployment', () => {
  it('keeps a session that PostgreSQL thinks expired while Redis holds its newer writes', async () => {
    const schema = freshSchema();
    const prefix = freshPrefix();
    const store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      ttlSeconds: 3,
      cache: { url: redisUrl(), keyPrefix: prefix, writeMode: 'write-behind', flusher: false },
    });
    onCleanup(() => store.close());
    const key = { userId: 'ana', sessionId: 'live' };
    const secondsLeft = async () => {
      const [row] = await admin.unsafe(
        `SELECT extract(epoch FROM expires_at - now())::float8 AS left FROM "${schema}".sessions
          WHERE user_id = 'ana' AND session_id = 'live'`,
      );
      return Number(row?.left);
    };
    await store.append({ ...key, messages: [{ role: 'user', content: 'first' }] });
    // The second write comes when the first's expiry is near, so that Redis's expiry (moved by
    // the second) is well after PostgreSQL's (still the first's: nothing flushes here).
    await expect.poll(secondsLeft, { timeout: 10_000, interval: 100 }).toBeLessThan(1.5);
    await store.append({ ...key, messages: [{ role: 'user', content: 'second' }] });
    // PostgreSQL's expiry is the first write's; Redis moved on with the second, unflushed.
    await expect
      .poll(
        async () => {
          const [row] = await admin.unsafe(
            `SELECT expires_at <= now() AS expired FROM "${schema}".sessions
              WHERE user_id = 'ana' AND session_id = 'live'`,
          );
          return row?.expired;
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(true);

    const { code, stdout } = await cli(
      'cleanup',
      '--url',
      TEST_DATABASE_URL,
      '--schema',
      schema,
      '--redis-url',
      redisUrl(),
      '--key-prefix',
      prefix,
      '--write-mode',
      'write-behind',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ sessions: 0, messages: 0 });
    expect((await store.history(key)).map((m) => m.content)).toEqual(['first', 'second']);
  });
});
