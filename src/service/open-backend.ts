import { mkdirSync } from 'node:fs';
import type { ServiceConfig } from '../config/service-config.js';
import { ValidationError } from '../contract/errors.js';
import type { ConversationStore } from '../contract/store.js';
import { createStoreOnDriver } from '../create-store.js';
import type { StoreOptions } from '../options.js';
import { pgliteDataDir, pgliteDriver, type PGliteLike } from '../stores/pglite/pglite-driver.js';
import { assertSchemaCurrent, migrate } from '../stores/sql/migrator.js';
import { borrowedDriver, openSqlDriver } from '../stores/sql/open-sql-driver.js';
import { writeRetentionPolicy } from '../stores/sql/retention-policy.js';
import type { TelemetryOptions } from '../telemetry/telemetry-options.js';
import type { SqlDriver } from '../stores/sql/sql-driver.js';
import { toStoreError } from '../stores/sql/sql-errors.js';
import { AuthStore } from './auth/auth-store.js';
import { SERVICE_MIGRATIONS } from './auth/service-migrations.js';

export interface Backend {
  store: ConversationStore;
  authStore: AuthStore;
  /** `pglite (./data)`, `postgres`, ... for the start-up line. */
  description: string;
  /** Closes the store (flushing what it buffers), then the connections it shares with auth. */
  close(): Promise<void>;
}

export interface BackendDeps {
  /** An open PGlite instance to use instead of opening DATA_DIR (tests share one). */
  pglite?: PGliteLike;
  say: (line: string) => void;
  /** Where the store's metrics go (the service's /metrics). */
  telemetry?: TelemetryOptions;
}

/**
 * Opens the database once (openSqlDriver) and hands it to both the store and the service's own
 * tables: one pool for PostgreSQL, one instance for PGlite (which also locks its directory to
 * this process). The service's tables have their own migration series, applied after the
 * store's (or checked, with CONVSTORE_MIGRATE=false).
 */
export async function openBackend(config: ServiceConfig, deps: BackendDeps): Promise<Backend> {
  const url = config.databaseUrl ?? `pglite://${config.dataDir}`;
  const options: StoreOptions = {
    url,
    schema: config.schema,
    ttlSeconds: config.conversationTtl,
    maxHistory: config.maxConversationHistory,
    migrate: config.migrate,
    ...(config.partitions !== null && { partitions: config.partitions }),
    poolSize: config.poolSize,
    lockTimeoutMs: config.lockTimeoutMs,
    limits: config.limits,
    ...cacheOption(config),
    ...(deps.telemetry && { telemetry: deps.telemetry }),
  };
  const pglite = deps.pglite !== undefined || url.startsWith('pglite://');
  const dataDir = pglite ? pgliteDataDir(url) : null;
  let driver: SqlDriver;
  if (deps.pglite) {
    driver = pgliteDriver(deps.pglite, false);
  } else {
    if (pglite) {
      deps.say(
        `convstore: opening PGlite in ${dataDir ?? 'memory'} (the first start takes several seconds)...`,
      );
      if (dataDir) ensureDirectory(dataDir);
    }
    driver = await openSqlDriver(url, {
      poolSize: config.poolSize,
      lockTimeoutMs: config.lockTimeoutMs,
      ...(config.partitions !== null && { partitions: config.partitions }),
    });
  }

  let store: ConversationStore | undefined;
  try {
    store = await createStoreOnDriver(borrowedDriver(driver), options);
    if (config.migrate) await migrate(driver, config.schema, SERVICE_MIGRATIONS);
    else await assertSchemaCurrent(driver, config.schema, SERVICE_MIGRATIONS);
    await recordPolicy(driver, config);
  } catch (error) {
    await store?.close();
    await driver.close();
    throw toStoreError(error);
  }
  const opened = store;
  return {
    store: opened,
    authStore: new AuthStore(driver, config.schema),
    description: pglite
      ? `pglite (${pgliteDataDir(url) ?? 'memory'})`
      : config.redisUrl
        ? 'hybrid (redis + postgres)'
        : 'postgres',
    close: async () => {
      try {
        await opened.close();
      } finally {
        await driver.close();
      }
    },
  };
}

/**
 * Stores the retention policy this service runs with in its database, where a standalone flusher
 * and a cron cleanup read it, so they never trim or expire differently from the service.
 */
function recordPolicy(driver: SqlDriver, config: ServiceConfig): Promise<void> {
  const policy = {
    ttlSeconds: config.conversationTtl,
    maxHistory: config.maxConversationHistory,
    cacheWindow: config.cacheWindow,
  };
  return writeRetentionPolicy(driver, config.schema, policy, 'serve');
}

/** REDIS_URL puts the Redis cache in front of PostgreSQL: the hybrid store. */
function cacheOption(config: ServiceConfig): Partial<StoreOptions> {
  if (!config.redisUrl) return {};
  if (!config.databaseUrl || config.databaseUrl.startsWith('pglite://')) {
    throw ValidationError.field(
      'REDIS_URL',
      'the Redis cache sits in front of PostgreSQL: set DATABASE_URL=postgres://... too',
    );
  }
  return {
    cache: {
      url: config.redisUrl,
      keyPrefix: config.redisKeyPrefix,
      writeMode: config.cacheWriteMode,
      ...(config.cacheWindow === null ? {} : { window: config.cacheWindow }),
      cacheTtlSeconds: config.cacheTtlSeconds,
      maxPending: config.cacheMaxPending,
      flusher: config.cacheFlusher,
      flushBatchSize: config.flushBatchSize,
      claimIdleMs: config.flushClaimIdleMs,
      waitReplicas: config.cacheWaitReplicas,
      waitTimeoutMs: config.cacheWaitTimeoutMs,
    },
  };
}

/** PGlite creates its directory but not the parents; a fresh `DATA_DIR=./var/convstore` works. */
function ensureDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw ValidationError.field('DATA_DIR', `cannot create the directory ${dir} (${code})`);
  }
}
