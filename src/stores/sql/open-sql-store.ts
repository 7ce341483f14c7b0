import { SchemaMismatchError } from '../../contract/errors.js';
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
    throw missingExtension(error) ?? toStoreError(error);
  }
  return new SqlStore({
    driver,
    schema: options.schema,
    ttlSeconds: options.ttlSeconds,
    maxHistory: options.maxHistory,
    // PGlite runs one statement at a time: appends that queue behind it go as one batch, which
    // pays the statement's fixed cost (and the write to disk) once for all of them.
    batchAppendsBeyond: driver.kind === 'postgres' ? options.poolSize : 1,
  });
}

/**
 * 0A000 while migrating: an extension the schema needs (0007_search.sql) is not installed on the
 * server, or not loaded into a PGlite the caller created.
 */
function missingExtension(error: unknown): SchemaMismatchError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== '0A000') return null;
  return new SchemaMismatchError(
    'the database lacks an extension convstore needs (unaccent, pg_trgm, btree_gin): on ' +
      'PostgreSQL install its contrib package; a PGlite you create yourself needs ' +
      '`PGlite.create(dir, { extensions: await pgliteExtensions() })`',
    { cause: error },
  );
}
