import type { StoreBackend } from '../../contract/store-backend.js';
import type { ResolvedStoreOptions } from '../../options.js';
import { openPostgresDriver } from '../postgres/postgres-driver.js';
import { DEFAULT_KEY_PREFIX } from '../redis/keys.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { openSqlStore } from '../sql/open-sql-store.js';
import type { SqlDriver } from '../sql/sql-driver.js';
import type { CachedReadsOptions } from './cached-reads.js';
import { CacheHealth, type CacheLogger } from './cache-health.js';
import { CacheKeys } from './cache-keys.js';
import { resolveCacheSettings } from './cache-settings.js';
import { closeConnections, openHybridConnection } from './hybrid-connections.js';
import { openFlusher } from './open-flusher.js';
import { SessionCache } from './session-cache.js';
import { WriteBehindCleanup } from './write-behind-cleanup.js';
import { WriteBehindStore } from './write-behind-store.js';
import { WriteThroughStore } from './write-through-store.js';

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
  const closers: Array<() => Promise<void>> = [];
  try {
    const redis = await openHybridConnection(settings.url, true);
    connections.push(redis);
    closers.push(() => closeConnections(connections));
    const health = new CacheHealth(log);
    if (redis.status !== 'ready') health.redisFailed(new Error('redis does not answer'));
    const cache = new SessionCache({
      redis,
      keys,
      health,
      windowSize: settings.windowSize,
      cacheTtlMs: settings.cacheTtlMs,
      replicaWait:
        settings.waitReplicas > 0
          ? { replicas: settings.waitReplicas, timeoutMs: settings.waitTimeoutMs }
          : null,
    });
    const base: CachedReadsOptions = {
      sql,
      cache,
      health,
      windowSize: settings.windowSize,
      closeRedis: async () => {
        await Promise.all(closers.map((close) => close()));
      },
    };
    if (settings.writeMode === 'write-through') return new WriteThroughStore(base);
    const { flusher, close } = await openFlusher({
      settings,
      keys,
      driver,
      schema: options.schema,
      maxHistory: options.maxHistory,
      health,
      log,
      redis,
      tolerateDown: true,
    });
    closers.push(close);
    if (settings.runFlusher) flusher.start();
    return new WriteBehindStore({
      ...base,
      ttlSeconds: options.ttlSeconds,
      maxHistory: options.maxHistory,
      maxPending: settings.maxPending,
      flusher,
      cleanup: new WriteBehindCleanup(driver, options.schema, cache),
    });
  } catch (error) {
    for (const connection of connections) connection.disconnect();
    await sql.close();
    throw error;
  }
}
