import type { StoreBackend } from '../../contract/store-backend.js';
import type { ResolvedStoreOptions } from '../../options.js';
import { openSqlStore } from '../sql/open-sql-store.js';
import type { SqlDriver } from '../sql/sql-driver.js';

/**
 * PostgreSQL: a pool of prepared connections. Migrations are a deploy step unless migrate: true.
 * The store closes `driver`.
 */
export async function openPostgresStore(
  driver: SqlDriver,
  options: ResolvedStoreOptions,
): Promise<StoreBackend> {
  return openSqlStore(driver, options, false);
}
