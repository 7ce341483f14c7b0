import type { z } from 'zod';
import { DEFAULT_LIMITS } from '../contract/limits.js';
import { DEFAULT_STORE_OPTIONS, PARTITIONS_MAX, PARTITIONS_MIN } from '../options.js';
import { DEFAULT_CACHE_SETTINGS } from '../stores/hybrid/cache-settings.js';
import { DEFAULT_KEY_PREFIX } from '../stores/redis/keys.js';
import {
  bool,
  count,
  keyPrefix,
  oneOf,
  optionalCount,
  optionalPositive,
  optionalRange,
  optionalText,
  port,
  schemaName,
  text,
  url,
} from './setting-schemas.js';

/** The commands that take settings (`db migrate` and `db status` share `db`). */
export const SETTING_COMMANDS = [
  'serve',
  'db',
  'cleanup',
  'flush',
  'migrate-redis',
  'export',
  'import',
  'copy',
  'report',
] as const;
export type SettingCommand = (typeof SETTING_COMMANDS)[number];

/**
 * How one command takes a setting. `true`: as the flag named after the key (`poolSize` ->
 * `--pool-size`); `false`: from the environment only (secrets: a flag would show in `ps`);
 * an object: under another flag name, required, or with a wider or narrower rule than the
 * setting's own (cleanup's `--url` also takes the Redis store's `redis://`).
 */
export type SettingUse =
  boolean | { flag?: string; required?: true; schema?: z.ZodType; doc?: string };

interface SettingSpec {
  key: string;
  env: string;
  /** As it would be written in the environment; '' means unset. */
  default: string;
  /** One line: what the setting means. */
  doc: string;
  /** Parses and checks the string from a flag, the environment or the default. */
  schema: z.ZodType;
  /** The flag's value placeholder in --help: `<url>`, `<seconds>`, ... */
  arg: string;
  use: Partial<Record<SettingCommand, SettingUse>>;
}

function setting<const S extends SettingSpec>(spec: S): S {
  return spec;
}

const STORE_URL = url(
  /^(postgres|postgresql|pglite|redis|rediss|redis\+cluster):\/\//,
  'postgres://, postgresql://, pglite://, redis://, rediss:// or redis+cluster://',
);

/**
 * Every setting of convstore, in one table: the service, the store, the cache, the jobs and every
 * CLI command. Each is resolved flag > environment variable > default, by one loader
 * (resolve-settings.ts); the CLI's flags and --help, `.env.example` and the README's settings
 * tables are generated from it (scripts/generate-docs.ts, checked in CI). A setting has one
 * environment variable everywhere: the service's.
 */
export const SETTINGS = [
  setting({
    key: 'port',
    env: 'PORT',
    default: '3000',
    doc: 'HTTP port (0 picks a free one)',
    schema: port(),
    arg: '<port>',
    use: { serve: true },
  }),
  setting({
    key: 'host',
    env: 'HOST',
    default: '127.0.0.1',
    doc: 'address to listen on (0.0.0.0 in a container)',
    schema: text(),
    arg: '<address>',
    use: { serve: true },
  }),
  setting({
    key: 'dataDir',
    env: 'DATA_DIR',
    default: './data',
    doc: 'PGlite data directory, used when DATABASE_URL is unset',
    schema: text(),
    arg: '<dir>',
    use: { serve: true, db: true, cleanup: true, export: true, import: true, report: true },
  }),
  setting({
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    default: '',
    doc: 'postgres://user@host:5432/db for PostgreSQL (or pglite://<dir>); unset: PGlite in DATA_DIR',
    schema: url(/^(postgres|postgresql|pglite):\/\//, 'postgres://, postgresql:// or pglite://'),
    arg: '<url>',
    use: {
      serve: true,
      db: { flag: 'url' },
      cleanup: {
        flag: 'url',
        schema: STORE_URL,
        doc: 'the store: postgres://..., pglite://<dir> or redis://... (the Redis store); unset: PGlite in DATA_DIR',
      },
      flush: { flag: 'url', required: true, doc: 'the PostgreSQL that keeps everything' },
      report: {
        flag: 'url',
        schema: STORE_URL,
        doc: 'the store to report on: postgres://... or pglite://<dir> (redis://: unsupported); unset: PGlite in DATA_DIR',
      },
      'migrate-redis': {
        flag: 'to',
        required: true,
        doc: 'target: postgres://... (or pglite://<dir>)',
      },
      export: {
        flag: 'url',
        schema: STORE_URL,
        doc: 'the store: postgres://..., pglite://<dir> or redis://...; unset: PGlite in DATA_DIR',
      },
      import: {
        flag: 'url',
        schema: STORE_URL,
        doc: 'the store: postgres://..., pglite://<dir> or redis://...; unset: PGlite in DATA_DIR',
      },
    },
  }),
  setting({
    key: 'redisUrl',
    env: 'REDIS_URL',
    default: '',
    doc: 'redis://host:6379 adds the Redis cache in front of the database (hybrid); a Redis Cluster is redis+cluster:// followed by some of its nodes, host:port, comma-separated',
    schema: url(/^(redis|rediss|redis\+cluster):\/\//, 'redis://, rediss:// or redis+cluster://'),
    arg: '<url>',
    use: {
      serve: true,
      cleanup: {
        doc: 'the Redis cache of a hybrid deployment: cleanup then runs through the hybrid store, which keeps sessions whose newer expiry or queued messages are still in Redis',
      },
      flush: { required: true, doc: 'the Redis in front of PostgreSQL' },
      'migrate-redis': {
        flag: 'from',
        required: true,
        schema: url(
          /^(redis|rediss|redis\+cluster):\/\//,
          'redis://, rediss:// or redis+cluster://',
        ),
        doc: 'source: redis://[user:password@]host:port[/db], or redis+cluster://host:port,...',
      },
    },
  }),
  setting({
    key: 'redisKeyPrefix',
    env: 'REDIS_KEY_PREFIX',
    default: DEFAULT_KEY_PREFIX,
    doc: 'prefix of every key convstore writes in Redis (no braces)',
    schema: keyPrefix(),
    arg: '<prefix>',
    use: {
      serve: true,
      cleanup: { flag: 'key-prefix' },
      flush: { flag: 'key-prefix' },
      'migrate-redis': { flag: 'prefix', doc: 'convstore format: the key prefix of the source' },
      export: { flag: 'key-prefix' },
      import: { flag: 'key-prefix' },
    },
  }),
  setting({
    key: 'cacheWriteMode',
    env: 'CACHE_WRITE_MODE',
    default: DEFAULT_CACHE_SETTINGS.writeMode,
    doc: 'with REDIS_URL: write-through (acknowledged after the PostgreSQL commit) or write-behind',
    schema: oneOf(['write-through', 'write-behind']),
    arg: '<mode>',
    use: { serve: true, cleanup: { flag: 'write-mode' } },
  }),
  setting({
    key: 'schema',
    env: 'CONVSTORE_SCHEMA',
    default: DEFAULT_STORE_OPTIONS.schema,
    doc: 'PostgreSQL schema holding every table',
    schema: schemaName(),
    arg: '<name>',
    use: {
      serve: true,
      db: true,
      cleanup: true,
      flush: true,
      'migrate-redis': true,
      export: true,
      import: true,
      copy: true,
      report: true,
    },
  }),
  setting({
    key: 'partitions',
    env: 'CONVSTORE_PARTITIONS',
    default: '',
    doc: `a new schema: hash-partition sessions and messages by user into n (${PARTITIONS_MIN}-${PARTITIONS_MAX}); an existing schema must have been created with the same n (docs/SCALING.md); unset: plain tables`,
    schema: optionalRange(PARTITIONS_MIN, PARTITIONS_MAX),
    arg: '<n>',
    use: { serve: true, db: true },
  }),
  setting({
    key: 'conversationTtl',
    env: 'CONVERSATION_TTL',
    default: '',
    doc: 'sliding session lifetime in seconds (every write extends it); unset or 0: never expires',
    schema: optionalCount(10 * 365 * 24 * 3600),
    arg: '<seconds>',
    use: {
      serve: true,
      db: { flag: 'ttl' },
      cleanup: { flag: 'ttl' },
      flush: { flag: 'ttl' },
      // A redis target's expiry (a copied or imported session expires by its own TTL).
      import: { flag: 'ttl' },
      copy: { flag: 'ttl' },
    },
  }),
  setting({
    key: 'maxConversationHistory',
    env: 'MAX_CONVERSATION_HISTORY',
    default: '',
    doc: 'messages kept per session, the oldest trimmed on write; unset or 0: keep all',
    schema: optionalCount(1_000_000_000),
    arg: '<n>',
    use: {
      serve: true,
      db: { flag: 'max-history' },
      cleanup: { flag: 'max-history' },
      flush: { flag: 'max-history' },
    },
  }),
  setting({
    key: 'poolSize',
    env: 'DATABASE_POOL_SIZE',
    default: String(DEFAULT_STORE_OPTIONS.poolSize),
    doc: 'PostgreSQL connections of the store',
    schema: count(1, 1000),
    arg: '<n>',
    use: { serve: true, cleanup: true },
  }),
  setting({
    key: 'lockTimeoutMs',
    env: 'LOCK_TIMEOUT_MS',
    default: String(DEFAULT_STORE_OPTIONS.lockTimeoutMs),
    doc: 'PostgreSQL: longest wait for a row lock before a retryable unavailable error',
    schema: count(1, 3_600_000),
    arg: '<ms>',
    use: { serve: true, cleanup: true },
  }),
  setting({
    key: 'cacheWindow',
    env: 'CACHE_WINDOW',
    default: '',
    doc: `hybrid: newest messages of a session kept in Redis; unset: MAX_CONVERSATION_HISTORY, or ${DEFAULT_CACHE_SETTINGS.windowSize}`,
    schema: optionalPositive(100_000),
    arg: '<n>',
    use: { serve: true, db: true, cleanup: true },
  }),
  setting({
    key: 'cacheTtlSeconds',
    env: 'CACHE_TTL',
    default: String(DEFAULT_CACHE_SETTINGS.cacheTtlSeconds),
    doc: 'hybrid: seconds a cached session stays in Redis after its last use (at most CONVERSATION_TTL)',
    schema: count(1, 10 * 365 * 24 * 3600),
    arg: '<seconds>',
    use: { serve: true, flush: { flag: 'cache-ttl' } },
  }),
  setting({
    key: 'cacheMaxPending',
    env: 'CACHE_MAX_PENDING',
    default: String(DEFAULT_CACHE_SETTINGS.maxPending),
    doc: 'write-behind: entries waiting for PostgreSQL before appends are refused (503)',
    schema: count(1, 1_000_000_000),
    arg: '<n>',
    use: { serve: true },
  }),
  setting({
    key: 'cacheFlusher',
    env: 'CACHE_FLUSHER',
    default: 'true',
    doc: 'write-behind: run the flusher in the service (false: run `convstore flush` instead)',
    schema: bool(),
    arg: '<bool>',
    use: { serve: true },
  }),
  setting({
    key: 'flushBatchSize',
    env: 'FLUSH_BATCH_SIZE',
    default: String(DEFAULT_CACHE_SETTINGS.flushBatchSize),
    doc: 'write-behind: stream entries written to PostgreSQL per transaction',
    schema: count(1, 10_000),
    arg: '<n>',
    use: { serve: true, flush: { flag: 'batch-size' } },
  }),
  setting({
    key: 'flushClaimIdleMs',
    env: 'FLUSH_CLAIM_IDLE_MS',
    default: String(DEFAULT_CACHE_SETTINGS.claimIdleMs),
    doc: 'write-behind: entries a silent flusher left pending this long are taken over',
    schema: count(1, 86_400_000),
    arg: '<ms>',
    use: { serve: true, flush: { flag: 'claim-idle-ms' } },
  }),
  setting({
    key: 'cacheWaitReplicas',
    env: 'CACHE_WAIT_REPLICAS',
    default: String(DEFAULT_CACHE_SETTINGS.waitReplicas),
    doc: 'hybrid: Redis replicas that must hold a write before it is acknowledged (WAIT), so a failover loses nothing acknowledged; 0: no waiting',
    schema: count(0, 16),
    arg: '<n>',
    use: { serve: true },
  }),
  setting({
    key: 'cacheWaitTimeoutMs',
    env: 'CACHE_WAIT_TIMEOUT_MS',
    default: String(DEFAULT_CACHE_SETTINGS.waitTimeoutMs),
    doc: 'with CACHE_WAIT_REPLICAS: longest wait for the replicas before the write is refused (503, retry)',
    schema: count(1, 800),
    arg: '<ms>',
    use: { serve: true },
  }),
  setting({
    key: 'migrate',
    env: 'CONVSTORE_MIGRATE',
    default: 'true',
    doc: 'apply pending schema migrations at start',
    schema: bool(),
    arg: '<bool>',
    use: { serve: true },
  }),
  setting({
    key: 'adminToken',
    env: 'CONVSTORE_ADMIN_TOKEN',
    default: '',
    doc: 'admin token for /v1/admin/*; unset: one is created on first start, printed once, only its hash kept',
    schema: optionalText(16),
    arg: '<token>',
    use: { serve: false },
  }),
  setting({
    key: 'bodyLimitBytes',
    env: 'BODY_LIMIT_BYTES',
    default: String(4 * 1024 * 1024),
    doc: 'largest request body (413 above)',
    schema: count(1024, 1024 ** 3),
    arg: '<bytes>',
    use: { serve: true },
  }),
  setting({
    key: 'rateLimitMax',
    env: 'RATE_LIMIT_MAX',
    default: '1200',
    doc: 'requests per user, and failed ones per address, per window (429 above); 0: no limit',
    schema: count(0, 1e9),
    arg: '<n>',
    use: { serve: true },
  }),
  setting({
    key: 'rateLimitWindowSeconds',
    env: 'RATE_LIMIT_WINDOW',
    default: '60',
    doc: 'rate limit window in seconds',
    schema: count(1, 86_400),
    arg: '<seconds>',
    use: { serve: true },
  }),
  setting({
    key: 'jwtSecret',
    env: 'JWT_SECRET',
    default: '',
    doc: 'accept HS256/384/512 JWTs signed with this secret (user = sub)',
    schema: optionalText(32),
    arg: '<secret>',
    use: { serve: false },
  }),
  setting({
    key: 'jwtJwksUrl',
    env: 'JWT_JWKS_URL',
    default: '',
    doc: 'accept JWTs signed by a key of this JWKS (user = sub)',
    schema: url(/^https?:\/\//, 'http:// or https://'),
    arg: '<url>',
    use: { serve: true },
  }),
  setting({
    key: 'jwtIssuer',
    env: 'JWT_ISSUER',
    default: '',
    doc: 'required `iss` of JWTs, when set',
    schema: optionalText(1),
    arg: '<iss>',
    use: { serve: true },
  }),
  setting({
    key: 'jwtAudience',
    env: 'JWT_AUDIENCE',
    default: '',
    doc: 'required `aud` of JWTs, when set',
    schema: optionalText(1),
    arg: '<aud>',
    use: { serve: true },
  }),
  setting({
    key: 'logLevel',
    env: 'LOG_LEVEL',
    default: 'info',
    doc: 'fatal, error, warn, info, debug, trace or silent',
    schema: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    arg: '<level>',
    use: { serve: true },
  }),
  setting({
    key: 'cleanupIntervalSeconds',
    env: 'CLEANUP_INTERVAL',
    default: '3600',
    doc: 'seconds between in-process cleanups of expired sessions (with jitter); 0: off',
    schema: count(0, 7 * 86_400),
    arg: '<seconds>',
    use: { serve: true },
  }),
  setting({
    key: 'usageRollupIntervalSeconds',
    env: 'USAGE_ROLLUP_INTERVAL',
    default: '300',
    doc: 'seconds between in-process usage roll-ups, each up to five minutes ago (PostgreSQL, PGlite, hybrid; with jitter); 0: off',
    schema: count(0, 7 * 86_400),
    arg: '<seconds>',
    use: { serve: true },
  }),
  setting({
    key: 'cleanupBatchSize',
    env: 'CLEANUP_BATCH_SIZE',
    default: '500',
    doc: 'expired sessions deleted per cleanup transaction',
    schema: count(1, 100_000),
    arg: '<n>',
    use: { cleanup: { flag: 'batch-size' } },
  }),
  setting({
    key: 'migrateBatchSize',
    env: 'MIGRATE_BATCH_SIZE',
    default: '200',
    doc: 'migrate-redis: sessions per write transaction',
    schema: count(1, 10_000),
    arg: '<n>',
    use: { 'migrate-redis': { flag: 'batch-size' } },
  }),
  setting({
    key: 'authCacheSeconds',
    env: 'AUTH_CACHE_SECONDS',
    default: '30',
    doc: 'how long a verified API key is remembered; 0: ask the database every time',
    schema: count(0, 3600),
    arg: '<seconds>',
    use: { serve: true },
  }),
  setting({
    key: 'revocationWaitMs',
    env: 'REVOCATION_WAIT_MS',
    default: '2000',
    doc: 'with REDIS_URL: how long erasing a user waits for every instance to drop its cached keys',
    schema: count(0, 60_000),
    arg: '<ms>',
    use: { serve: true },
  }),
  setting({
    key: 'readyTimeoutMs',
    env: 'READY_TIMEOUT_MS',
    default: '2000',
    doc: '/readyz answers 503 when the store does not answer within this',
    schema: count(10, 60_000),
    arg: '<ms>',
    use: { serve: true },
  }),
  setting({
    key: 'shutdownTimeoutMs',
    env: 'SHUTDOWN_TIMEOUT_MS',
    default: '10000',
    doc: 'on SIGTERM, how long requests in flight may take to finish',
    schema: count(0, 600_000),
    arg: '<ms>',
    use: { serve: true },
  }),
  setting({
    key: 'docs',
    env: 'DOCS_ENABLED',
    default: 'true',
    doc: 'serve /docs and /openapi.json',
    schema: bool(),
    arg: '<bool>',
    use: { serve: true },
  }),
  setting({
    key: 'console',
    env: 'CONSOLE_ENABLED',
    default: 'true',
    doc: 'serve the web console at /console (built into the package)',
    schema: bool(),
    arg: '<bool>',
    use: { serve: true },
  }),
  setting({
    key: 'maxContentBytes',
    env: 'MAX_CONTENT_BYTES',
    default: String(DEFAULT_LIMITS.maxContentBytes),
    doc: 'UTF-8 bytes of one message',
    schema: count(1, 1024 ** 3),
    arg: '<bytes>',
    use: { serve: true },
  }),
  setting({
    key: 'maxMetadataBytes',
    env: 'MAX_METADATA_BYTES',
    default: String(DEFAULT_LIMITS.maxMetadataBytes),
    doc: 'bytes of one metadata object as JSON',
    schema: count(1, 1024 ** 3),
    arg: '<bytes>',
    use: { serve: true },
  }),
  setting({
    key: 'maxMessagesPerAppend',
    env: 'MAX_MESSAGES_PER_APPEND',
    default: String(DEFAULT_LIMITS.maxMessagesPerAppend),
    doc: 'messages in one append',
    schema: count(1, 100_000),
    arg: '<n>',
    use: { serve: true },
  }),
  setting({
    key: 'maxDataBytes',
    env: 'MAX_DATA_BYTES',
    default: String(DEFAULT_LIMITS.maxDataBytes),
    doc: "UTF-8 bytes of one message's framework data (JSON text; file parts can be MiBs)",
    schema: count(1, 1024 ** 3),
    arg: '<bytes>',
    use: { serve: true },
  }),
  setting({
    key: 'maxPageSize',
    env: 'MAX_PAGE_SIZE',
    default: String(DEFAULT_LIMITS.maxPageSize),
    doc: 'messages or sessions in one read',
    schema: count(1, 100_000),
    arg: '<n>',
    use: { serve: true },
  }),
] as const;

export type Setting = (typeof SETTINGS)[number];
export type SettingKey = Setting['key'];
/** A setting's value once parsed, e.g. `number | null` for `conversationTtl`. */
export type SettingValue<K extends SettingKey> = z.output<Extract<Setting, { key: K }>['schema']>;
/** The settings one command takes. */
export type CommandSetting<C extends SettingCommand> = Extract<
  Setting,
  { use: Record<C, unknown> }
>;

/** The service's settings (the ones `serve` takes): what loadServiceConfig reads. */
export type ConfigField = CommandSetting<'serve'>;
export type ConfigKey = ConfigField['key'];
export const CONFIG_FIELDS = SETTINGS.filter(
  (entry): entry is ConfigField => 'serve' in entry.use,
) as readonly ConfigField[];
/** The settings as one flat record, before they are grouped into a ServiceConfig. */
export type FlatConfig = { [F in ConfigField as F['key']]: z.output<F['schema']> };
