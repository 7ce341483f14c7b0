import { ValidationError } from '../contract/errors.js';
import type { SqlDriver } from '../stores/sql/sql-driver.js';

/**
 * Opens a SQL driver for a job from a store URL: `postgres://` or `pglite://`. Jobs talk to the
 * database directly (migrations, bulk writes); each driver module is loaded only when chosen.
 */
export async function openDatabase(url: string, poolSize = 2): Promise<SqlDriver> {
  if (url.startsWith('pglite://')) {
    const [{ openPgliteDriver }, { pgliteDataDir }] = await Promise.all([
      import('../stores/pglite/pglite-driver.js'),
      import('../stores/pglite/index.js'),
    ]);
    return openPgliteDriver(pgliteDataDir(url));
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw ValidationError.field('url', 'must start with postgres://, postgresql:// or pglite://');
  }
  const { openPostgresDriver } = await import('../stores/postgres/postgres-driver.js');
  return openPostgresDriver({ url, poolSize });
}
