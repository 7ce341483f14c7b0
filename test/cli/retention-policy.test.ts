import { describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../src/config/load-service-config.js';
import { openBackend } from '../../src/service/open-backend.js';
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
import { cli, cliWithEnv } from './capture.js';

useRedisDatabase(13);

async function storedPolicy(schema: string) {
  return admin.unsafe<
    Array<{ ttl_seconds: number | null; max_history: number | null; written_by: string }>
  >(`SELECT ttl_seconds, max_history, written_by FROM "${schema}".retention_policy`);
}

describe.skipIf(!available())(
  'the retention policy lives in the database (issue 10, point 5)',
  () => {
    it('the service records it; a standalone flusher trims by it, not by its own flags', async () => {
      const [schema, prefix] = [freshSchema(), freshPrefix()];
      const backend = await openBackend(
        loadServiceConfig({
          DATABASE_URL: TEST_DATABASE_URL,
          REDIS_URL: redisUrl(),
          REDIS_KEY_PREFIX: prefix,
          CONVSTORE_SCHEMA: schema,
          CACHE_WRITE_MODE: 'write-behind',
          CACHE_FLUSHER: 'false',
          MAX_CONVERSATION_HISTORY: '3',
          CONVERSATION_TTL: '86400',
        }),
        { say: () => {} },
      );
      onCleanup(() => backend.close());
      expect(await storedPolicy(schema)).toEqual([
        { ttl_seconds: 86_400, max_history: 3, written_by: 'serve' },
      ]);
      for (let i = 0; i < 5; i++) {
        await backend.store.append({
          userId: 'nina',
          sessionId: 'long',
          messages: [{ role: 'user', content: `message ${i}` }],
        });
      }
      // A flusher started with other settings than the service's.
      const run = await cliWithEnv(
        { REDIS_KEY_PREFIX: prefix, CONVSTORE_SCHEMA: schema, MAX_CONVERSATION_HISTORY: '100' },
        'flush',
        '--once',
        '--json',
        '--url',
        TEST_DATABASE_URL,
        '--redis-url',
        redisUrl(),
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        'using the retention policy `serve` stored (TTL 86400, max history 3',
      );
      const rows = await admin.unsafe<Array<{ seq: number }>>(
        `SELECT seq::int FROM "${schema}".messages ORDER BY seq`,
      );
      expect(rows.map((row) => row.seq)).toEqual([3, 4, 5]);
    });

    it('db migrate records the policy it is given, and leaves the stored one alone when given none', async () => {
      const schema = freshSchema();
      const target = ['--url', TEST_DATABASE_URL, '--schema', schema];
      const first = await cli('db', 'migrate', ...target, '--ttl', '3600', '--json');
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({
        retention: { ttlSeconds: 3600, maxHistory: null, cacheWindow: null },
      });
      expect(await storedPolicy(schema)).toEqual([
        { ttl_seconds: 3600, max_history: null, written_by: 'db migrate' },
      ]);
      const again = await cliWithEnv({}, 'db', 'migrate', ...target, '--json');
      expect(JSON.parse(again.stdout)).toMatchObject({ retention: null });
      expect(await storedPolicy(schema)).toHaveLength(1);
      expect((await storedPolicy(schema))[0]).toMatchObject({ ttl_seconds: 3600 });
    });
  },
);
