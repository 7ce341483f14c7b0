import { z } from 'zod';
import { DEFAULT_LIMITS } from '../contract/limits.js';

/**
 * Every setting of the service: its environment variable, its default (as it would be written in
 * the environment) and what it means. The one table the loader, `.env.example` and the README
 * agree with; the CLI maps its flags onto the same keys.
 */
export const CONFIG_FIELDS = [
  field('port', 'PORT', '3000', 'HTTP port (0 picks a free one)', port()),
  field('host', 'HOST', '127.0.0.1', 'address to listen on (0.0.0.0 in a container)', text()),
  field(
    'dataDir',
    'DATA_DIR',
    './data',
    'PGlite data directory, used when DATABASE_URL is unset',
    text(),
  ),
  field(
    'databaseUrl',
    'DATABASE_URL',
    '',
    'postgres://user@host:5432/db for PostgreSQL (or pglite://<dir>); unset: PGlite in DATA_DIR',
    url(/^(postgres|postgresql|pglite):\/\//, 'postgres://, postgresql:// or pglite://'),
  ),
  field(
    'redisUrl',
    'REDIS_URL',
    '',
    'redis://host:6379 adds the Redis cache in front of the database (hybrid)',
    url(/^rediss?:\/\//, 'redis:// or rediss://'),
  ),
  field(
    'redisKeyPrefix',
    'REDIS_KEY_PREFIX',
    'convstore:',
    'prefix of every key the cache writes in Redis (no braces)',
    z.string().regex(/^[A-Za-z0-9._:-]{0,64}$/, 'must be 0-64 characters from A-Z a-z 0-9 . _ : -'),
  ),
  field(
    'cacheWriteMode',
    'CACHE_WRITE_MODE',
    'write-through',
    'with REDIS_URL: write-through (acknowledged after the PostgreSQL commit) or write-behind',
    z.enum(['write-through', 'write-behind'], { error: 'must be write-through or write-behind' }),
  ),
  field(
    'schema',
    'CONVSTORE_SCHEMA',
    'convstore',
    'PostgreSQL schema holding every table',
    schemaName(),
  ),
  field(
    'conversationTtl',
    'CONVERSATION_TTL',
    '',
    'sliding session lifetime in seconds (every write extends it); unset or 0: never expires',
    optionalCount(10 * 365 * 24 * 3600),
  ),
  field(
    'maxConversationHistory',
    'MAX_CONVERSATION_HISTORY',
    '',
    'messages kept per session, the oldest trimmed on write; unset or 0: keep all',
    optionalCount(1_000_000_000),
  ),
  field(
    'poolSize',
    'DATABASE_POOL_SIZE',
    '4',
    "PostgreSQL connections, shared by the store and the service's auth",
    count(1, 1000),
  ),
  field('migrate', 'CONVSTORE_MIGRATE', 'true', 'apply pending schema migrations at start', bool()),
  field(
    'adminToken',
    'CONVSTORE_ADMIN_TOKEN',
    '',
    'admin token for /v1/admin/*; unset: one is created on first start, printed once, only its hash kept',
    optionalText(16),
  ),
  field(
    'bodyLimitBytes',
    'BODY_LIMIT_BYTES',
    String(4 * 1024 * 1024),
    'largest request body (413 above)',
    count(1024, 1024 ** 3),
  ),
  field(
    'rateLimitMax',
    'RATE_LIMIT_MAX',
    '1200',
    'requests per user, and failed ones per address, per window (429 above); 0: no limit',
    count(0, 1e9),
  ),
  field(
    'rateLimitWindowSeconds',
    'RATE_LIMIT_WINDOW',
    '60',
    'rate limit window in seconds',
    count(1, 86_400),
  ),
  field(
    'jwtSecret',
    'JWT_SECRET',
    '',
    'accept HS256/384/512 JWTs signed with this secret (user = sub)',
    optionalText(32),
  ),
  field(
    'jwtJwksUrl',
    'JWT_JWKS_URL',
    '',
    'accept JWTs signed by a key of this JWKS (user = sub)',
    url(/^https?:\/\//, 'http:// or https://'),
  ),
  field('jwtIssuer', 'JWT_ISSUER', '', 'required `iss` of JWTs, when set', optionalText(1)),
  field('jwtAudience', 'JWT_AUDIENCE', '', 'required `aud` of JWTs, when set', optionalText(1)),
  field(
    'logLevel',
    'LOG_LEVEL',
    'info',
    'fatal, error, warn, info, debug, trace or silent',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
  ),
  field(
    'cleanupIntervalSeconds',
    'CLEANUP_INTERVAL',
    '3600',
    'seconds between in-process cleanups of expired sessions (with jitter); 0: off',
    count(0, 7 * 86_400),
  ),
  field(
    'authCacheSeconds',
    'AUTH_CACHE_SECONDS',
    '30',
    'how long a verified API key is remembered; 0: ask the database every time',
    count(0, 3600),
  ),
  field(
    'readyTimeoutMs',
    'READY_TIMEOUT_MS',
    '2000',
    '/readyz answers 503 when the store does not answer within this',
    count(10, 60_000),
  ),
  field(
    'shutdownTimeoutMs',
    'SHUTDOWN_TIMEOUT_MS',
    '10000',
    'on SIGTERM, how long requests in flight may take to finish',
    count(0, 600_000),
  ),
  field('docs', 'DOCS_ENABLED', 'true', 'serve /docs and /openapi.json', bool()),
  field(
    'maxContentBytes',
    'MAX_CONTENT_BYTES',
    String(DEFAULT_LIMITS.maxContentBytes),
    'UTF-8 bytes of one message',
    count(1, 1024 ** 3),
  ),
  field(
    'maxMetadataBytes',
    'MAX_METADATA_BYTES',
    String(DEFAULT_LIMITS.maxMetadataBytes),
    'bytes of one metadata object as JSON',
    count(1, 1024 ** 3),
  ),
  field(
    'maxMessagesPerAppend',
    'MAX_MESSAGES_PER_APPEND',
    String(DEFAULT_LIMITS.maxMessagesPerAppend),
    'messages in one append',
    count(1, 100_000),
  ),
  field(
    'maxDataBytes',
    'MAX_DATA_BYTES',
    String(DEFAULT_LIMITS.maxDataBytes),
    "UTF-8 bytes of one message's framework data (JSON text; file parts can be MiBs)",
    count(1, 1024 ** 3),
  ),
  field(
    'maxPageSize',
    'MAX_PAGE_SIZE',
    String(DEFAULT_LIMITS.maxPageSize),
    'messages or sessions in one read',
    count(1, 100_000),
  ),
] as const;

export type ConfigField = (typeof CONFIG_FIELDS)[number];
export type ConfigKey = ConfigField['key'];
/** The settings as one flat record, before they are grouped into a ServiceConfig. */
export type FlatConfig = { [F in ConfigField as F['key']]: z.output<F['schema']> };

function field<K extends string, E extends string, S extends z.ZodType>(
  key: K,
  env: E,
  defaultValue: string,
  doc: string,
  schema: S,
) {
  return { key, env, default: defaultValue, doc, schema };
}

/** Environment values are strings: '' means unset, numbers and booleans are parsed here. */
function fromString(parse: (raw: string) => unknown) {
  return (value: unknown) => (typeof value === 'string' ? parse(value.trim()) : value);
}

function count(min: number, max: number) {
  return z.preprocess(
    fromString((raw) => (raw === '' ? undefined : Number(raw))),
    z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );
}

function port() {
  return count(0, 65_535);
}

/** Unset, empty or 0 mean "no limit". */
function optionalCount(max: number) {
  return z.preprocess(
    fromString((raw) => (raw === '' || raw === 'none' ? null : Number(raw))),
    z
      .number({ error: 'must be a whole number of seconds or items (0: none)' })
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .max(max, `must be at most ${max}`)
      .nullable()
      .transform((value) => (value === 0 ? null : value)),
  );
}

function bool() {
  const words: Record<string, boolean> = {
    true: true,
    '1': true,
    yes: true,
    false: false,
    '0': false,
    no: false,
  };
  return z.preprocess(
    fromString((raw) => words[raw.toLowerCase()] ?? raw),
    z.boolean({ error: 'must be true or false' }),
  );
}

function text() {
  return z.string().min(1, 'must not be empty');
}

function optionalText(minLength: number) {
  return z.preprocess(
    fromString((raw) => (raw === '' ? null : raw)),
    z.string().min(minLength, `must be at least ${minLength} characters`).nullable(),
  );
}

function url(pattern: RegExp, expected: string) {
  return z.preprocess(
    fromString((raw) => (raw === '' ? null : raw)),
    z.string().regex(pattern, `must start with ${expected}`).nullable(),
  );
}

function schemaName() {
  return z
    .string()
    .regex(
      /^[a-z_][a-z0-9_]{0,62}$/,
      'must be 1-63 characters of lowercase letters, digits and _, not starting with a digit',
    );
}
