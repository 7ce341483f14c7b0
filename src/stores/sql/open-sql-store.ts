import type { ResolvedStoreOptions } from '../../options.js';
import { assertSchemaCurrent, migrate } from './migrator.js';
import type { SqlDriver } from './sql-driver.js';
import { toStoreError } from './sql-errors.js';
import { SqlStore } from './sql-store.js';

/** Brings the schema up to date (or checks it is), then opens the backend on the driver. */
export async function openSqlStore(
  driver: SqlDriver,
  options: ResolvedStoreOptions,
  migrateByDefault: boolean,
): Promise<SqlStore> {
  try {
    if (options.migrate ?? migrateByDefault) await migrate(driver, options.schema);
    else await assertSchemaCurrent(driver, options.schema);
  } catch (error) {
    await driver.close();
    throw toStoreError(error);
  }
  return new SqlStore({
    driver,
    schema: options.schema,
    ttlSeconds: options.ttlSeconds,
    maxHistory: options.maxHistory,
    // PGlite runs one query at a time in this process: nothing queues for a connection there.
    batchAppendsBeyond: driver.kind === 'postgres' ? options.poolSize : null,
  });
}
