import { createHash } from 'node:crypto';
import { SchemaMismatchError } from '../../contract/errors.js';
import { FUNCTION_FILES } from './functions.generated.js';
import { MIGRATION_FILES } from './migrations.generated.js';
import {
  assertLayout,
  createPartitions,
  createsPartitionedTables,
  renderMigration,
  type SchemaLayout,
} from './schema-layout.js';
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

/** A file of stored functions (sql/functions/), applied whole with CREATE OR REPLACE. */
export interface FunctionFile {
  name: string;
  script: string;
  checksum: string;
}

/**
 * A series of numbered, append-only migration files (`0001_init.sql`, `0002_...`) with the table
 * that records which are applied. The store has one; the HTTP service has its own for its own
 * tables (src/service/auth/migrations), so a library user's database holds only the store's.
 */
export interface MigrationSeries {
  /** Table in the schema recording the applied versions. */
  table: string;
  migrations: readonly Migration[];
  /** The command that applies this series, for the error when it is behind. */
  fix: string;
  /**
   * Stored functions live in their own files, not in migrations, so a function changes in the
   * same commit as the statement that calls it. After the migrations, a file whose checksum
   * differs from the one recorded in `<table>_functions` is applied again (CREATE OR REPLACE),
   * so an unchanged database does no work.
   */
  functions: readonly FunctionFile[];
}

/** Parses embedded migration files (`NNNN_name` -> script) into versions, in order. */
export function parseMigrations(files: Record<string, string>): Migration[] {
  return Object.entries(files)
    .map(([stem, script]) => {
      const match = /^(\d+)_(.+)$/.exec(stem);
      if (!match) throw new Error(`migration file ${stem}.sql is not named NNNN_name.sql`);
      return { version: Number(match[1]), name: match[2] as string, script };
    })
    .sort((a, b) => a.version - b.version);
}

export const MIGRATIONS: readonly Migration[] = parseMigrations(MIGRATION_FILES);

/** Embedded function files (`name` -> script), in name order, with their checksums. */
export function parseFunctions(files: Record<string, string>): FunctionFile[] {
  return Object.entries(files)
    .map(([name, script]) => ({
      name,
      script,
      checksum: createHash('sha256').update(script).digest('hex'),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The store's series: users, sessions, messages, agents. */
export const STORE_MIGRATIONS: MigrationSeries = {
  table: 'schema_migrations',
  migrations: MIGRATIONS,
  fix: '`convstore db migrate` or open the store with migrate: true',
  functions: parseFunctions(FUNCTION_FILES),
};

function latestOf(series: MigrationSeries): number {
  return series.migrations.at(-1)?.version ?? 0;
}

/** What is applied and what would be, without changing anything. */
export async function schemaStatus(
  driver: SqlRunner,
  schema: string,
  series: MigrationSeries = STORE_MIGRATIONS,
): Promise<SchemaStatus> {
  const current = await appliedVersion(driver, schema, series.table);
  const applied = current > 0 ? await appliedFunctions(driver, schema, series) : new Map();
  return {
    schema,
    current,
    latest: latestOf(series),
    pending: series.migrations.filter((migration) => migration.version > current),
    staleFunctions: series.functions
      .filter((f) => applied.get(f.name) !== f.checksum)
      .map((f) => f.name),
  };
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so concurrent starters
 * queue instead of racing; the loser finds nothing left to do. Refuses a database migrated by
 * newer code. Every series takes the same lock, so a store migration and a service migration of
 * one schema never interleave.
 *
 * `layout` applies to the store's series: a new schema is created with it (0001_init.sql makes
 * sessions and messages partitioned, and their partitions follow at once, so every later
 * migration runs on the layout it will serve); an existing one must have been created with it.
 */
export async function migrate(
  driver: SqlDriver,
  schema: string,
  series: MigrationSeries = STORE_MIGRATIONS,
  layout: SchemaLayout = {},
): Promise<Migration[]> {
  const quoted = quoteSchema(schema);
  return driver.transaction(async (tx) => {
    // A migration may rewrite big tables and must wait its turn behind another migrator.
    await tx.exec('SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0');
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`convstore:migrate:${schema}`]);
    await tx.exec(
      `CREATE SCHEMA IF NOT EXISTS ${quoted};
       CREATE TABLE IF NOT EXISTS ${quoted}.${series.table} (
         version    integer     PRIMARY KEY,
         name       text        NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       );
       CREATE TABLE IF NOT EXISTS ${quoted}.${series.table}_functions (
         name       text        PRIMARY KEY,
         checksum   text        NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       );`,
    );
    const { current, pending } = await checkedStatus(tx, schema, series);
    if (current > 0) await assertLayout(tx, schema, layout);
    for (const migration of pending) {
      await tx.exec(renderMigration(migration.script, quoted, layout));
      if (layout.partitions !== undefined && createsPartitionedTables(migration.script)) {
        await createPartitions(tx, quoted, layout.partitions);
      }
      await tx.query(`INSERT INTO ${quoted}.${series.table} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    // After the migrations, whose tables the functions use. Re-read: a migration may drop one.
    const { staleFunctions } = await schemaStatus(tx, schema, series);
    for (const stale of series.functions.filter((f) => staleFunctions.includes(f.name))) {
      await tx.exec(renderSql(stale.script, quoted));
      await tx.query(
        `INSERT INTO ${quoted}.${series.table}_functions (name, checksum) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()`,
        [stale.name, stale.checksum],
      );
    }
    return pending;
  });
}

/**
 * For stores opened with migrate off: the schema must be exactly what this code expects, in the
 * layout asked for (when one is).
 */
export async function assertSchemaCurrent(
  driver: SqlRunner,
  schema: string,
  series: MigrationSeries = STORE_MIGRATIONS,
  layout: SchemaLayout = {},
): Promise<void> {
  const { current, latest, pending, staleFunctions } = await checkedStatus(driver, schema, series);
  if (pending.length > 0 || staleFunctions.length > 0) {
    const functions =
      staleFunctions.length > 0
        ? ` with ${staleFunctions.length} stored function file(s) out of date`
        : '';
    throw new SchemaMismatchError(
      `schema "${schema}" is at ${describeSeries(series)} ${current} of ${latest}${functions}: ` +
        `run ${series.fix}`,
    );
  }
  await assertLayout(driver, schema, layout);
}

function describeSeries(series: MigrationSeries): string {
  return series === STORE_MIGRATIONS ? 'migration' : `${series.table} migration`;
}

async function checkedStatus(
  driver: SqlRunner,
  schema: string,
  series: MigrationSeries,
): Promise<SchemaStatus> {
  const status = await schemaStatus(driver, schema, series);
  if (status.current > status.latest) {
    throw new SchemaMismatchError(
      `schema "${schema}" is at ${describeSeries(series)} ${status.current}, newer than this convstore ` +
        `(${status.latest}): upgrade convstore before using this database`,
    );
  }
  return status;
}

async function appliedVersion(driver: SqlRunner, schema: string, table: string): Promise<number> {
  const quoted = quoteSchema(schema);
  const [found] = await driver.query<{ exists: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS exists',
    [`${quoted}.${table}`],
  );
  if (!found?.exists) return 0;
  const [row] = await driver.query<{ version: number | string | null }>(
    `SELECT max(version) AS version FROM ${quoted}.${table}`,
    [],
  );
  return Number(row?.version ?? 0);
}

async function appliedFunctions(
  driver: SqlRunner,
  schema: string,
  series: MigrationSeries,
): Promise<Map<string, string>> {
  if (series.functions.length === 0) return new Map();
  const table = `${quoteSchema(schema)}.${series.table}_functions`;
  const [found] = await driver.query<{ exists: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS exists',
    [table],
  );
  if (!found?.exists) return new Map();
  const rows = await driver.query<{ name: string; checksum: string }>(
    `SELECT name, checksum FROM ${table}`,
    [],
  );
  return new Map(rows.map((row) => [row.name, row.checksum]));
}
