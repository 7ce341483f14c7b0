import { z } from 'zod';
import { parseOrThrow } from './contract/validation.js';
import { DEFAULT_LIMITS, type Limits } from './contract/limits.js';
import type { PGliteLike } from './stores/pglite/pglite-driver.js';
import { SCHEMA_PATTERN, SCHEMA_RULE } from './stores/sql/schema-name.js';
import type { TelemetryOptions } from './telemetry/telemetry-options.js';

/** Options of createStore. Every field is optional; the defaults are in DEFAULT_STORE_OPTIONS. */
export interface StoreOptions {
  /**
   * Where the data lives: `postgres://...`, `pglite://<dir>` (data kept on disk) or
   * `pglite://memory`, `redis://...`; or `http(s)://...`, a convstore service (the HTTP client:
   * see ClientOptions for apiKey, token and adminToken). Default `pglite://./data`.
   */
  url?: string;
  /** HTTP client: one user's API key. */
  apiKey?: string;
  /** HTTP client: the bearer token to use for a user id (an API key or a JWT). */
  token?: (userId: string) => string | Promise<string>;
  /** HTTP client: the admin token, for deleteUser, putAgent and cleanupExpired. */
  adminToken?: string;
  /** PostgreSQL schema holding every table. Default `convstore`. */
  schema?: string;
  /** Sliding session TTL in seconds; null keeps sessions forever. Default null. */
  ttlSeconds?: number | null;
  /** Messages kept per session, the oldest trimmed on write; null keeps all. Default null. */
  maxHistory?: number | null;
  /** Apply pending migrations on open. Default true for PGlite, false for PostgreSQL. */
  migrate?: boolean;
  /**
   * PostgreSQL and PGlite (and the hybrid's PostgreSQL): hash-partition sessions and messages by
   * user into this many partitions (2-1024) when the schema is created. A schema keeps the
   * layout it was created with: opening an existing one with another value (or this option on
   * an unpartitioned one) is refused with SchemaMismatchError. Default: unset, plain tables (and
   * an existing schema opens whatever its layout). See docs/SCALING.md for when to choose it.
   */
  partitions?: number;
  /** PostgreSQL connections in the pool. Default 4 (see the README on pool sizing). */
  poolSize?: number;
  /** PostgreSQL: longest wait for a lock before UnavailableError (retryable). Default 15000. */
  lockTimeoutMs?: number;
  /** Input size limits; see DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /** An open PGlite instance to use instead of `url`; close() leaves it open. */
  pglite?: PGliteLike;
  /** Redis store: prefix of every key (no braces). Default `convstore:`. */
  keyPrefix?: string;
  /** Hybrid store: a Redis in front of the PostgreSQL of `url`. See CacheOptions. */
  cache?: CacheOptions;
  /** OpenTelemetry providers (default: the registered ones); false: no spans or metrics. */
  telemetry?: TelemetryOptions | false;
}

/** The Redis of a hybrid store (`url` is then the PostgreSQL that keeps everything). */
export interface CacheOptions {
  /**
   * `redis://...`, `rediss://...`, or `redis+cluster://host:port[,host:port...]` for a Redis
   * Cluster (any reachable nodes).
   */
  url: string;
  /** Prefix of every cache key (no braces). Default `convstore:`. */
  keyPrefix?: string;
  /**
   * `write-through` (default): acknowledged after the PostgreSQL commit. `write-behind`:
   * acknowledged after an atomic Redis append + stream entry; a flusher writes PostgreSQL after.
   */
  writeMode?: 'write-through' | 'write-behind';
  /** Messages of a session kept in Redis. Default `maxHistory`, or 200 when that is null. */
  window?: number;
  /** Seconds a cached session stays in Redis after its last use. Default 3600 (capped by ttlSeconds). */
  cacheTtlSeconds?: number;
  /** write-behind: stream entries waiting for PostgreSQL before appends are refused. Default 100000. */
  maxPending?: number;
  /** write-behind: run the flusher in this process. Default true. */
  flusher?: boolean;
  /** write-behind: stream entries per flush batch. Default 200. */
  flushBatchSize?: number;
  /** write-behind: entries pending this long with a silent flusher are claimed. Default 30000 ms. */
  claimIdleMs?: number;
  /**
   * Replicas that must hold a write before it is acknowledged (Redis `WAIT`), so that a failover
   * promoting one of them loses nothing acknowledged: write-behind's append, write-through's
   * write mark. Default 0: no waiting (Redis replication is asynchronous).
   */
  waitReplicas?: number;
  /** With waitReplicas: longest wait for them before the write fails as unavailable. Default 500 ms. */
  waitTimeoutMs?: number;
}

export const DEFAULT_STORE_OPTIONS = {
  url: 'pglite://./data',
  schema: 'convstore',
  ttlSeconds: null,
  maxHistory: null,
  poolSize: 4,
  lockTimeoutMs: 15_000,
} as const;

export type ResolvedStoreOptions = Required<
  Omit<
    StoreOptions,
    | 'pglite'
    | 'migrate'
    | 'partitions'
    | 'limits'
    | 'keyPrefix'
    | 'cache'
    | 'telemetry'
    | 'apiKey'
    | 'token'
    | 'adminToken'
  >
> & {
  migrate: boolean | undefined;
  partitions: number | undefined;
  limits: Limits;
  pglite: PGliteLike | undefined;
  keyPrefix: string | undefined;
  cache: CacheOptions | undefined;
};

/** Bounds of `partitions` (PostgreSQL plans thousands, but each partition is files and a
 *  planner entry; 1 would be a plain table with extra steps). */
export const PARTITIONS_MIN = 2;
export const PARTITIONS_MAX = 1024;

const positive = z.number().int('must be an integer').positive('must be positive');

const KEY_PREFIX = /^[A-Za-z0-9._:-]{0,64}$/;
const KEY_PREFIX_RULE = 'must be 0-64 characters from A-Z a-z 0-9 . _ : - (no braces)';

const optionsSchema = z.object({
  url: z
    .string()
    .regex(
      /^(postgres|postgresql|pglite|redis|rediss|redis\+cluster):\/\//,
      'must start with postgres://, postgresql://, pglite://, redis://, rediss:// or redis+cluster://',
    )
    .optional(),
  schema: z.string().regex(SCHEMA_PATTERN, SCHEMA_RULE).optional(),
  ttlSeconds: positive
    .max(10 * 365 * 24 * 3600, 'must be at most ten years')
    .nullable()
    .optional(),
  maxHistory: positive.nullable().optional(),
  migrate: z.boolean().optional(),
  partitions: z
    .number()
    .int('must be an integer')
    .min(PARTITIONS_MIN, `must be at least ${PARTITIONS_MIN}`)
    .max(PARTITIONS_MAX, `must be at most ${PARTITIONS_MAX}`)
    .optional(),
  poolSize: positive.max(1000, 'must be at most 1000').optional(),
  lockTimeoutMs: positive.max(3_600_000, 'must be at most an hour').optional(),
  limits: z
    .object({
      maxContentBytes: positive.optional(),
      maxMetadataBytes: positive.optional(),
      maxMessagesPerAppend: positive.optional(),
      maxPageSize: positive.optional(),
      maxDataBytes: positive.optional(),
    })
    .strict()
    .optional(),
  pglite: z.custom<PGliteLike>((value) => typeof value === 'object' && value !== null).optional(),
  keyPrefix: z.string().regex(KEY_PREFIX, KEY_PREFIX_RULE).optional(),
  cache: z
    .object({
      url: z
        .string()
        .regex(
          /^(redis|rediss|redis\+cluster):\/\//,
          'must start with redis://, rediss:// or redis+cluster://',
        ),
      keyPrefix: z.string().regex(KEY_PREFIX, KEY_PREFIX_RULE).optional(),
      writeMode: z.enum(['write-through', 'write-behind']).optional(),
      window: positive.max(100_000, 'must be at most 100000').optional(),
      cacheTtlSeconds: positive.optional(),
      maxPending: positive.optional(),
      flusher: z.boolean().optional(),
      flushBatchSize: positive.max(10_000, 'must be at most 10000').optional(),
      claimIdleMs: positive.optional(),
      waitReplicas: z
        .number()
        .int('must be an integer')
        .min(0, 'must not be negative')
        .max(16, 'must be at most 16')
        .optional(),
      // Below the cache's command timeout (1000 ms), which would cut the WAIT short.
      waitTimeoutMs: positive.max(800, 'must be at most 800').optional(),
    })
    .strict()
    .optional(),
});

/** Validates createStore's options and fills in the defaults. */
export function resolveStoreOptions(options: StoreOptions): ResolvedStoreOptions {
  const given = parseOrThrow(optionsSchema, options, 'options');
  return {
    url: given.url ?? DEFAULT_STORE_OPTIONS.url,
    schema: given.schema ?? DEFAULT_STORE_OPTIONS.schema,
    ttlSeconds:
      given.ttlSeconds === undefined ? DEFAULT_STORE_OPTIONS.ttlSeconds : given.ttlSeconds,
    maxHistory:
      given.maxHistory === undefined ? DEFAULT_STORE_OPTIONS.maxHistory : given.maxHistory,
    migrate: given.migrate,
    partitions: given.partitions,
    poolSize: given.poolSize ?? DEFAULT_STORE_OPTIONS.poolSize,
    lockTimeoutMs: given.lockTimeoutMs ?? DEFAULT_STORE_OPTIONS.lockTimeoutMs,
    limits: { ...DEFAULT_LIMITS, ...given.limits },
    pglite: options.pglite,
    keyPrefix: given.keyPrefix,
    cache: given.cache,
  };
}
