import { ValidationError } from '../../contract/errors.js';
import type { SqlDriver } from './sql-driver.js';

export interface SqlDriverOptions {
  /** PostgreSQL connections in the pool (PGlite is one connection). Default 4. */
  poolSize?: number;
  /** PostgreSQL: longest wait for a lock before UnavailableError. */
  lockTimeoutMs?: number;
  /** PostgreSQL: the store's `partitions` (set: its connections plan for partitioned tables). */
  partitions?: number | undefined;
}

/**
 * The one way to open a SQL database from a URL: `postgres://` (a pool) or `pglite://<dir>`
 * (embedded, the directory locked to this process) / `pglite://memory`. The stores, the jobs and
 * the service's auth all open through here; each driver module is loaded only when chosen.
 */
export async function openSqlDriver(
  url: string,
  options: SqlDriverOptions = {},
): Promise<SqlDriver> {
  if (url.startsWith('pglite://')) {
    const { openPgliteDriver, pgliteDataDir } = await import('../pglite/pglite-driver.js');
    return openPgliteDriver(pgliteDataDir(url));
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw ValidationError.field('url', 'must start with postgres://, postgresql:// or pglite://');
  }
  const { openPostgresDriver } = await import('../postgres/postgres-driver.js');
  return openPostgresDriver({
    url,
    poolSize: options.poolSize ?? 4,
    ...(options.lockTimeoutMs !== undefined && { lockTimeoutMs: options.lockTimeoutMs }),
    ...(options.partitions !== undefined && { partitioned: true }),
  });
}

/** The same driver with close() left to its owner: for a store that shares it. */
export function borrowedDriver(driver: SqlDriver): SqlDriver {
  return { ...driver, close: async () => {} };
}
