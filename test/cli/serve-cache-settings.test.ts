import { describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../src/config/load-service-config.js';
import { openBackend } from '../../src/service/open-backend.js';
import { CacheKeys } from '../../src/stores/hybrid/cache-keys.js';
import {
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  redis,
  redisUrl,
  TEST_DATABASE_URL,
  useRedisDatabase,
} from '../jobs/support/job-fixtures.js';

useRedisDatabase(10);

describe.skipIf(!available())(
  'the service sets the cache from the settings table (issue 10, point 5)',
  () => {
    it('CACHE_WINDOW and CACHE_TTL reach the hybrid store the service opens', async () => {
      const [schema, prefix] = [freshSchema(), freshPrefix()];
      const config = loadServiceConfig({
        DATABASE_URL: TEST_DATABASE_URL,
        REDIS_URL: redisUrl(),
        REDIS_KEY_PREFIX: prefix,
        CONVSTORE_SCHEMA: schema,
        CACHE_WINDOW: '3',
        CACHE_TTL: '120',
      });
      const backend = await openBackend(config, { say: () => {} });
      onCleanup(() => backend.close());
      for (let i = 0; i < 6; i++) {
        await backend.store.append({
          userId: 'wendy',
          sessionId: 'small-window',
          messages: [{ role: 'user', content: `message ${i}` }],
        });
      }
      const history = await backend.store.history({ userId: 'wendy', sessionId: 'small-window' });
      expect(history).toHaveLength(6);
      const [, window] = new CacheKeys(prefix).session('wendy', 'small-window');
      await expect.poll(() => redis().llen(window)).toBe(3);
      const ttl = await redis().ttl(window);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(120);
    });
  },
);
