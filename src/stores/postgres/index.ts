import type { StoreBackend } from '../../contract/store-backend.js';
import type { ResolvedStoreOptions } from '../../options.js';
import { openSqlStore } from '../sql/open-sql-store.js';
import { openPostgresDriver } from './postgres-driver.js';

/** PostgreSQL: a pool of prepared connections. Migrations are a deploy step unless migrate: true. */
export async function openPostgresStore(options: ResolvedStoreOptions): Promise<StoreBackend> {
  const driver = await openPostgresDriver({
    url: options.url,
    poolSize: options.poolSize,
    lockTimeoutMs: options.lockTimeoutMs,
  });
  return openSqlStore(driver, options, false);
}
