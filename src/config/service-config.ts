import type { Limits } from '../contract/limits.js';

/** Everything the service needs, resolved once at start (flags > environment > defaults). */
export interface ServiceConfig {
  port: number;
  host: string;
  /** PGlite's data directory, used when `databaseUrl` is not given. */
  dataDir: string;
  /** `postgres://...` or `pglite://...`; null means `pglite://<dataDir>`. */
  databaseUrl: string | null;
  /** Adds the Redis cache in front of the database (hybrid store). */
  redisUrl: string | null;
  /** Prefix of the cache's Redis keys. */
  redisKeyPrefix: string;
  /** How the hybrid acknowledges appends; see CacheOptions.writeMode. */
  cacheWriteMode: 'write-through' | 'write-behind';
  schema: string;
  /** Hash partitions of a schema the service creates (and checks on an existing one); null: plain. */
  partitions: number | null;
  /** Sliding session TTL in seconds; null keeps sessions forever. */
  conversationTtl: number | null;
  /** Messages kept per session; null keeps all. */
  maxConversationHistory: number | null;
  poolSize: number;
  /** PostgreSQL: longest wait for a row lock, in ms. */
  lockTimeoutMs: number;
  /** Hybrid: messages of a session kept in Redis; null: maxConversationHistory, or 200. */
  cacheWindow: number | null;
  /** Hybrid: seconds a cached session stays in Redis after its last use. */
  cacheTtlSeconds: number;
  /** Write-behind: stream entries waiting for PostgreSQL before appends are refused. */
  cacheMaxPending: number;
  /** Write-behind: run the flusher in this process. */
  cacheFlusher: boolean;
  /** Write-behind: stream entries per flush transaction. */
  flushBatchSize: number;
  /** Write-behind: entries pending this long with a silent flusher are claimed. */
  flushClaimIdleMs: number;
  /** Hybrid: Redis replicas every acknowledged cache write waits for (0: none). */
  cacheWaitReplicas: number;
  /** Hybrid: longest wait for them, in ms. */
  cacheWaitTimeoutMs: number;
  /** Apply pending migrations at start. */
  migrate: boolean;
  /** When null, the hash of a token created on first start is kept in the database. */
  adminToken: string | null;
  bodyLimitBytes: number;
  /** Requests per key per window; 0 turns the rate limit off. */
  rateLimitMax: number;
  rateLimitWindowSeconds: number;
  jwtSecret: string | null;
  jwtJwksUrl: string | null;
  jwtIssuer: string | null;
  jwtAudience: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seconds between in-process cleanups of expired sessions; 0 turns them off. */
  cleanupIntervalSeconds: number;
  /** Seconds between in-process usage roll-ups (stores with a usage rollup); 0 turns them off. */
  usageRollupIntervalSeconds: number;
  /** How long a verified API key is remembered in memory. */
  authCacheSeconds: number;
  /**
   * With a Redis: how long erasing a user waits for every other instance to confirm it dropped
   * the user's cached keys, in ms.
   */
  revocationWaitMs: number;
  readyTimeoutMs: number;
  shutdownTimeoutMs: number;
  docs: boolean;
  /** Serve the web console (dist/console) at /console. */
  console: boolean;
  limits: Limits;
}
