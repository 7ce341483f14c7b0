import { describe, expect, it } from 'vitest';
import { SETTING_COMMANDS, SETTINGS } from '../../src/config/config-fields.js';
import { resolveSettings, settingsOf } from '../../src/config/resolve-settings.js';
import type { ValidationError } from '../../src/index.js';
import { loadServiceConfig } from '../../src/service/index.js';
import { DEFAULT_CACHE_SETTINGS } from '../../src/stores/hybrid/cache-settings.js';

describe('the one settings table (issue 10, point 5)', () => {
  it('gives every setting one variable, a valid default under every rule, and one line of doc', () => {
    const names = SETTINGS.map((setting) => setting.env);
    expect(new Set(names).size).toBe(names.length);
    for (const command of SETTING_COMMANDS) {
      const flags = settingsOf(command).flatMap((use) => (use.flag ? [use.flag] : []));
      expect(new Set(flags).size, command).toBe(flags.length);
      for (const use of settingsOf(command)) {
        expect(use.doc.length, use.setting.env).toBeGreaterThan(10);
        expect(use.doc, use.setting.env).not.toContain('\n');
        if (!use.required) {
          expect(use.schema.safeParse(use.setting.default).success, use.setting.env).toBe(true);
        }
      }
    }
  });

  it('makes the cache settings the service could not set settable', () => {
    const config = loadServiceConfig({
      CACHE_WINDOW: '50',
      CACHE_TTL: '600',
      CACHE_MAX_PENDING: '1000',
      CACHE_FLUSHER: 'false',
      FLUSH_BATCH_SIZE: '25',
      FLUSH_CLAIM_IDLE_MS: '5000',
      LOCK_TIMEOUT_MS: '2000',
      CACHE_WAIT_REPLICAS: '1',
      CACHE_WAIT_TIMEOUT_MS: '250',
      REDIS_URL: 'redis+cluster://127.0.0.1:7000,127.0.0.1:7001',
    });
    expect(config).toMatchObject({
      cacheWindow: 50,
      cacheTtlSeconds: 600,
      cacheMaxPending: 1000,
      cacheFlusher: false,
      flushBatchSize: 25,
      flushClaimIdleMs: 5000,
      lockTimeoutMs: 2000,
      cacheWaitReplicas: 1,
      cacheWaitTimeoutMs: 250,
      redisUrl: 'redis+cluster://127.0.0.1:7000,127.0.0.1:7001',
    });
    expect(loadServiceConfig({})).toMatchObject({
      cacheWindow: null,
      cacheTtlSeconds: DEFAULT_CACHE_SETTINGS.cacheTtlSeconds,
      cacheMaxPending: DEFAULT_CACHE_SETTINGS.maxPending,
      flushBatchSize: DEFAULT_CACHE_SETTINGS.flushBatchSize,
      flushClaimIdleMs: DEFAULT_CACHE_SETTINGS.claimIdleMs,
      cacheWaitReplicas: 0,
      cacheWaitTimeoutMs: DEFAULT_CACHE_SETTINGS.waitTimeoutMs,
    });
    expect(() => loadServiceConfig({ CACHE_WAIT_TIMEOUT_MS: '5000' })).toThrow(
      /CACHE_WAIT_TIMEOUT_MS/,
    );
  });

  it('resolves a command: flag > environment > default, naming where a bad value came from', () => {
    expect(resolveSettings('cleanup', {}, {})).toMatchObject({
      databaseUrl: null,
      dataDir: './data',
      redisKeyPrefix: 'convstore:',
      cleanupBatchSize: 500,
    });
    const env = { CLEANUP_BATCH_SIZE: '50', REDIS_KEY_PREFIX: 'app:' };
    expect(resolveSettings('cleanup', {}, env)).toMatchObject({
      cleanupBatchSize: 50,
      redisKeyPrefix: 'app:',
    });
    expect(resolveSettings('cleanup', { cleanupBatchSize: '7' }, env)).toMatchObject({
      cleanupBatchSize: 7,
    });
    const refused = (() => {
      try {
        resolveSettings('flush', {}, { CONVSTORE_SCHEMA: 'Bad-Name' });
      } catch (error) {
        return error as ValidationError;
      }
      throw new Error('accepted');
    })();
    expect(refused.issues.map((issue) => issue.field)).toEqual([
      '--url',
      '--redis-url',
      'CONVSTORE_SCHEMA',
    ]);
    expect(refused.message).toContain('--url: is required (or set DATABASE_URL)');
  });
});
