import { mkdirSync } from 'node:fs';
import type { ServiceConfig } from '../config/service-config.js';
import { ValidationError } from '../contract/errors.js';
import type { ConversationStore } from '../contract/store.js';
import { createStore } from '../create-store.js';
import type { StoreOptions } from '../options.js';
import { pgliteDataDir } from '../stores/pglite/index.js';
import type { PGliteLike } from '../stores/pglite/pglite-driver.js';
import { pgliteDriver } from '../stores/pglite/pglite-driver.js';
import { openPostgresDriver } from '../stores/postgres/postgres-driver.js';
import type { SqlDriver } from '../stores/sql/sql-driver.js';
import { AuthStore } from './auth/auth-store.js';

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
}

/**
 * Opens the store and the service's own SQL access on the same database. PGlite lets one process
 * open a data directory once, so the service opens it and hands the instance to both; for
 * PostgreSQL, auth gets a small pool of its own next to the store's.
 */
export async function openBackend(config: ServiceConfig, deps: BackendDeps): Promise<Backend> {
  const url = config.databaseUrl ?? `pglite://${config.dataDir}`;
  const common: StoreOptions = {
    schema: config.schema,
    ttlSeconds: config.conversationTtl,
    maxHistory: config.maxConversationHistory,
    migrate: config.migrate,
    limits: config.limits,
    ...cacheOption(config),
  };

  if (deps.pglite || url.startsWith('pglite://')) {
    const dataDir = pgliteDataDir(url);
    let instance = deps.pglite;
    if (!instance) {
      deps.say(
        `convstore: opening PGlite in ${dataDir ?? 'memory'} (the first start takes several seconds)...`,
      );
      if (dataDir) ensureDirectory(dataDir);
      const { PGlite } = await import('@electric-sql/pglite');
      const { pgliteExtensions } = await import('../stores/pglite/pglite-extensions.js');
      instance = await PGlite.create(dataDir ?? 'memory://', {
        extensions: await pgliteExtensions(),
      });
    }
    const owned = instance !== deps.pglite;
    const opened = instance;
    const store = await createStore({ ...common, pglite: opened }).catch(async (error) => {
      if (owned) await opened.close();
      throw error;
    });
    return {
      store,
      authStore: new AuthStore(pgliteDriver(opened, false), config.schema),
      description: `pglite (${dataDir ?? 'memory'})`,
      close: async () => {
        await store.close();
        if (owned) await opened.close();
      },
    };
  }

  const store = await createStore({ ...common, url, poolSize: config.poolSize });
  let authDriver: SqlDriver;
  try {
    authDriver = await openPostgresDriver({ url, poolSize: 2 });
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    store,
    authStore: new AuthStore(authDriver, config.schema),
    description: config.redisUrl ? 'hybrid (redis + postgres)' : 'postgres',
    close: async () => {
      await store.close();
      await authDriver.close();
    },
  };
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
