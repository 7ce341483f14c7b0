import type { StoreBackend } from '../../contract/store-backend.js';
import type { ResolvedStoreOptions } from '../../options.js';
import { DEFAULT_KEY_PREFIX, RedisKeys } from './keys.js';
import { openRedisConnection } from './redis-connection.js';
import { RedisStore } from './redis-store.js';

/** Redis (or a Redis Cluster with `redis+cluster://`): every key under `keyPrefix`, with a TTL. */
export async function openRedisStore(options: ResolvedStoreOptions): Promise<StoreBackend> {
  const keys = new RedisKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const connection = await openRedisConnection({ url: options.url, failFast: false });
  return new RedisStore({
    connection,
    keys,
    ttlSeconds: options.ttlSeconds,
    maxHistory: options.maxHistory,
  });
}
