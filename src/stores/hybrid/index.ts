import type { StoreBackend } from '../../contract/store-backend.js';
import type { ResolvedStoreOptions } from '../../options.js';
import { openPostgresDriver } from '../postgres/postgres-driver.js';
import { DEFAULT_KEY_PREFIX } from '../redis/keys.js';
import { openRedisConnection, type RedisConnection } from '../redis/redis-connection.js';
import { defineScripts } from '../redis/scripts.js';
import { openSqlStore } from '../sql/open-sql-store.js';
import type { SqlDriver } from '../sql/sql-driver.js';
import { CacheHealth, type CacheLogger } from './cache-health.js';
import { CacheKeys } from './cache-keys.js';
import { FlushWriter } from './flush-writer.js';
import { HybridStore } from './hybrid-store.js';
import { HYBRID_SCRIPTS } from './scripts.generated.js';
import { SCRIPT_NAMESPACE, SessionCache } from './session-cache.js';
import { StreamFlusher } from './stream-flusher.js';
import { WriteBehindCleanup } from './write-behind-cleanup.js';
import { resolveCacheSettings } from './cache-settings.js';

/**
 * The hybrid: PostgreSQL at `url` keeps everything, the Redis at `cache.url` keeps each active
 * session's newest messages. PostgreSQL must answer when the store opens; Redis may come and go
 * at any time, including at start. write-behind also starts the in-process flusher unless
 * `cache.flusher` is false.
 */
export async function openHybridStore(
  options: ResolvedStoreOptions,
  log: CacheLogger = (message) => console.warn(message),
  /** The PostgreSQL driver, opened by the caller (createStore); the store closes it. */
  given?: SqlDriver,
): Promise<StoreBackend> {
  const settings = resolveCacheSettings(options);
  const keys = new CacheKeys(options.cache?.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const driver =
    given ??
    (await openPostgresDriver({
      url: options.url,
      poolSize: options.poolSize,
      lockTimeoutMs: options.lockTimeoutMs,
    }));
  const sql = await openSqlStore(driver, options, false);
  const connections: RedisConnection[] = [];
  try {
    const redis = await openRedisConnection({
      url: settings.url,
      failFast: true,
      tolerateDown: true,
    });
    connections.push(redis);
    defineScripts(redis, SCRIPT_NAMESPACE, HYBRID_SCRIPTS);
    const health = new CacheHealth(log);
    if (redis.status !== 'ready') health.redisFailed(new Error('redis does not answer'));
    const cache = new SessionCache({
      redis,
      keys,
      health,
      windowSize: settings.windowSize,
      cacheTtlMs: settings.cacheTtlMs,
    });
    let flusher: StreamFlusher | undefined;
    let cleanup: WriteBehindCleanup | undefined;
    if (settings.writeMode === 'write-behind') {
      cleanup = new WriteBehindCleanup(driver, options.schema, cache);
      const waiter = await openRedisConnection({
        url: settings.url,
        failFast: true,
        tolerateDown: true,
      });
      connections.push(waiter);
      flusher = new StreamFlusher({
        redis,
        waiter,
        keys,
        writer: new FlushWriter(driver, options.schema, options.maxHistory),
        health,
        batchSize: settings.flushBatchSize,
        claimIdleMs: settings.claimIdleMs,
        cacheTtlMs: settings.cacheTtlMs,
        log,
      });
      if (settings.runFlusher) flusher.start();
    }
    return new HybridStore({
      sql,
      cache,
      health,
      writeMode: settings.writeMode,
      ttlSeconds: options.ttlSeconds,
      maxHistory: options.maxHistory,
      windowSize: settings.windowSize,
      maxPending: settings.maxPending,
      flusher,
      cleanup,
      closeRedis: async () => {
        await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      },
    });
  } catch (error) {
    for (const connection of connections) connection.disconnect();
    await sql.close();
    throw error;
  }
}
