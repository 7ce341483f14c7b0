import { SchemaMismatchError } from '../../contract/errors.js';
import { createHash } from 'node:crypto';
import { FUNCTION_FILES } from './functions.generated.js';
import { MIGRATION_FILES } from './migrations.generated.js';
import { quoteSchema, renderSql } from './schema-name.js';
import type { SqlDriver, SqlRunner } from './sql-driver.js';

export interface Migration {
  version: number;
  name: string;
  script: string;
}

export interface SchemaStatus {
  schema: string;
  /** Highest migration applied to the database (0 when none). */
  current: number;
  /** Highest migration this code knows. */
  latest: number;
  pending: Migration[];
  /** Stored-function files whose applied checksum differs from this code's (or never applied). */
  staleFunctions: string[];
}

/**
 * The stored functions live in their own files (sql/functions/), not in migrations: a function
 * changes in the same commit as the statement that calls it. The migrator applies a file with
 * CREATE OR REPLACE when its checksum differs from the one recorded, so an unchanged database
 * does no work.
 */
export const FUNCTIONS: ReadonlyArray<{ name: string; script: string; checksum: string }> =
  Object.entries(FUNCTION_FILES)
    .map(([name, script]) => ({
      name,
      script,
      checksum: createHash('sha256').update(script).digest('hex'),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));

/** Migrations are numbered, append-only files: `0001_init.sql`, `0002_...`. */
export const MIGRATIONS: readonly Migration[] = Object.entries(MIGRATION_FILES)
  .map(([stem, script]) => {
    const match = /^(\d+)_(.+)$/.exec(stem);
    if (!match) throw new Error(`migration file ${stem}.sql is not named NNNN_name.sql`);
    return { version: Number(match[1]), name: match[2] as string, script };
  })
  .sort((a, b) => a.version - b.version);

const LATEST = MIGRATIONS.at(-1)?.version ?? 0;

/** What is applied and what would be, without changing anything. */
export async function schemaStatus(driver: SqlRunner, schema: string): Promise<SchemaStatus> {
  const current = await appliedVersion(driver, schema);
  const applied = current > 0 ? await appliedFunctions(driver, schema) : new Map();
  return {
    schema,
    current,
    latest: LATEST,
    pending: MIGRATIONS.filter((migration) => migration.version > current),
    staleFunctions: FUNCTIONS.filter((f) => applied.get(f.name) !== f.checksum).map((f) => f.name),
  };
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so concurrent starters
 * queue instead of racing; the loser finds nothing left to do. Refuses a database migrated by
 * newer code.
 */
export async function migrate(driver: SqlDriver, schema: string): Promise<Migration[]> {
  const quoted = quoteSchema(schema);
  return driver.transaction(async (tx) => {
    // A migration may rewrite big tables and must wait its turn behind another migrator.
    await tx.exec('SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0');
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`convstore:migrate:${schema}`]);
    await tx.exec(
      `CREATE SCHEMA IF NOT EXISTS ${quoted};
       CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (
         version    integer     PRIMARY KEY,
         name       text        NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       );
       CREATE TABLE IF NOT EXISTS ${quoted}.schema_functions (
         name       text        PRIMARY KEY,
         checksum   text        NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       );`,
    );
    const { pending } = await checkedStatus(tx, schema);
    for (const migration of pending) {
      await tx.exec(renderSql(migration.script, quoted));
      await tx.query(`INSERT INTO ${quoted}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    // After the migrations, whose tables the functions use. Re-read: a migration may drop one.
    const { staleFunctions } = await schemaStatus(tx, schema);
    for (const stale of FUNCTIONS.filter((f) => staleFunctions.includes(f.name))) {
      await tx.exec(renderSql(stale.script, quoted));
      await tx.query(
        `INSERT INTO ${quoted}.schema_functions (name, checksum) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()`,
        [stale.name, stale.checksum],
      );
    }
    return pending;
  });
}

/** For stores opened with migrate off: the schema must be exactly what this code expects. */
export async function assertSchemaCurrent(driver: SqlRunner, schema: string): Promise<void> {
  const { current, pending, staleFunctions } = await checkedStatus(driver, schema);
  if (pending.length > 0 || staleFunctions.length > 0) {
    throw new SchemaMismatchError(
      `schema "${schema}" is at migration ${current} of ${LATEST}` +
        (staleFunctions.length > 0
          ? ` with ${staleFunctions.length} stored function(s) out of date`
          : '') +
        `: run \`convstore db migrate\` ` +
        `or open the store with migrate: true`,
    );
  }
}

async function checkedStatus(driver: SqlRunner, schema: string): Promise<SchemaStatus> {
  const status = await schemaStatus(driver, schema);
  if (status.current > status.latest) {
    throw new SchemaMismatchError(
      `schema "${schema}" is at migration ${status.current}, newer than this convstore ` +
        `(${status.latest}): upgrade convstore before using this database`,
    );
  }
  return status;
}

async function appliedFunctions(driver: SqlRunner, schema: string): Promise<Map<string, string>> {
  const quoted = quoteSchema(schema);
  const [table] = await driver.query<{ exists: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS exists',
    [`${quoted}.schema_functions`],
  );
  if (!table?.exists) return new Map();
  const rows = await driver.query<{ name: string; checksum: string }>(
    `SELECT name, checksum FROM ${quoted}.schema_functions`,
    [],
  );
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

async function appliedVersion(driver: SqlRunner, schema: string): Promise<number> {
  const quoted = quoteSchema(schema);
  const [table] = await driver.query<{ exists: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS exists',
    [`${quoted}.schema_migrations`],
  );
  if (!table?.exists) return 0;
  const [row] = await driver.query<{ version: number | string | null }>(
    `SELECT max(version) AS version FROM ${quoted}.schema_migrations`,
    [],
  );
  return Number(row?.version ?? 0);
}
