import type { StoreBackend } from '../../contract/store-backend.js';
import type { ResolvedStoreOptions } from '../../options.js';
import { openSqlStore } from '../sql/open-sql-store.js';
import { openPgliteDriver, pgliteDriver } from './pglite-driver.js';

/**
 * PGlite: the same SQL on embedded PostgreSQL, data kept in a directory. Migrates on open by
 * default, since nobody else manages an embedded database's schema.
 */
export async function openPgliteStore(options: ResolvedStoreOptions): Promise<StoreBackend> {
  const driver = options.pglite
    ? pgliteDriver(options.pglite, false)
    : await openPgliteDriver(pgliteDataDir(options.url));
  return openSqlStore(driver, options, true);
}

/** `pglite://memory` -> in memory; `pglite://./data` -> ./data; `pglite:///abs` -> /abs. */
export function pgliteDataDir(url: string): string | null {
  const location = url.slice('pglite://'.length);
  if (location === 'memory' || location === '') return null;
  return location;
}
