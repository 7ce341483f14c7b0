import type { StoreBackend } from '../../contract/store-backend.js';
import type { ResolvedStoreOptions } from '../../options.js';
import { openSqlStore } from '../sql/open-sql-store.js';
import type { SqlDriver } from '../sql/sql-driver.js';

export { pgliteDataDir } from './pglite-driver.js';

/**
 * PGlite: the same SQL on embedded PostgreSQL, data kept in a directory. Migrates on open by
 * default, since nobody else manages an embedded database's schema. The store closes `driver`.
 */
export async function openPgliteStore(
  driver: SqlDriver,
  options: ResolvedStoreOptions,
): Promise<StoreBackend> {
  return openSqlStore(driver, options, true);
}
