import { SchemaMismatchError } from '../contract/errors.js';
import {
  migrate,
  schemaStatus,
  STORE_MIGRATIONS,
  type Migration,
  type MigrationSeries,
} from '../stores/sql/migrator.js';
import { assertLayout, type SchemaLayout } from '../stores/sql/schema-layout.js';
import { writeRetentionPolicy, type RetentionPolicy } from '../stores/sql/retention-policy.js';
import type { SqlDriver } from '../stores/sql/sql-driver.js';
import { toStoreError } from '../stores/sql/sql-errors.js';
import { openSqlDriver } from '../stores/sql/open-sql-driver.js';
import { countSchemaMigrations, traceJob } from '../telemetry/job-telemetry.js';

export interface DatabaseTarget {
  /** `postgres://...` or `pglite://<dir>`. */
  url: string;
  /** Schema that holds convstore's tables. */
  schema: string;
  /**
   * Also the HTTP service's own tables (API keys, admin token): their own series, recorded in
   * `service_migrations`, after the store's. The service applies it at start unless
   * CONVSTORE_MIGRATE=false. Default false.
   */
  service?: boolean;
}

export interface MigrateDatabaseOptions extends DatabaseTarget {
  /** Only report what would be applied; change nothing. */
  dryRun?: boolean;
  /**
   * A new schema: hash-partition sessions and messages by user into this many partitions. An
   * existing schema must have been created with the same (SchemaMismatchError otherwise, also on
   * a dry run). Unset: plain tables, and an existing schema keeps whatever it has.
   */
  partitions?: number;
  /**
   * The deployment's retention policy, recorded in the database once it is migrated (the service
   * records its own at every start); flush and cleanup read it from there. Not on a dry run.
   */
  retention?: RetentionPolicy;
}

export interface MigrationStep {
  version: number;
  name: string;
}

export interface MigrationPlan {
  schema: string;
  dryRun: boolean;
  /** Version before the run. */
  from: number;
  /** Version after the run (what it would be, on a dry run). */
  to: number;
  /** Applied (or, on a dry run, pending) migrations in order. */
  steps: MigrationStep[];
  /** With `service`: the same for the service's series. */
  service?: Omit<MigrationPlan, 'service' | 'retention'>;
  /** The retention policy recorded, or null when none was given (or on a dry run). */
  retention: RetentionPolicy | null;
}

export interface DatabaseStatus {
  schema: string;
  current: number;
  latest: number;
  pending: MigrationStep[];
  upToDate: boolean;
  /** With `service`: the same for the service's series. */
  service?: Omit<DatabaseStatus, 'service'>;
}

/**
 * Brings a database's schema up to date (the deploy step `convstore db migrate` runs), or with
 * `dryRun` reports the plan without changing anything. A database migrated by newer code is
 * refused with SchemaMismatchError either way.
 */
export function migrateDatabase(options: MigrateDatabaseOptions): Promise<MigrationPlan> {
  return traceJob('migrateDatabase', () => migrateUntraced(options), planAttributes);
}

async function migrateUntraced(options: MigrateDatabaseOptions): Promise<MigrationPlan> {
  return withDatabase(options.url, async (driver) => {
    const plan = await migrateSeries(driver, options, STORE_MIGRATIONS);
    const retention = options.dryRun ? null : (options.retention ?? null);
    if (retention) await writeRetentionPolicy(driver, options.schema, retention, 'db migrate');
    if (!options.service) return { ...plan, retention };
    const service = await migrateSeries(driver, options, await serviceSeries());
    return { ...plan, retention, service };
  });
}

/** What is applied and what is pending, read-only. */
export async function databaseStatus(target: DatabaseTarget): Promise<DatabaseStatus> {
  return withDatabase(target.url, async (driver) => {
    const status = await seriesStatus(driver, target.schema, STORE_MIGRATIONS);
    if (!target.service) return status;
    const service = await seriesStatus(driver, target.schema, await serviceSeries());
    return { ...status, upToDate: status.upToDate && service.upToDate, service };
  });
}

async function migrateSeries(
  driver: SqlDriver,
  options: MigrateDatabaseOptions,
  series: MigrationSeries,
): Promise<Omit<MigrationPlan, 'retention'>> {
  const before = await schemaStatus(driver, options.schema, series);
  refuseNewer(before.current, before.latest, options.schema);
  // The layout is the store's: the service's series has no partitioned tables.
  const layout: SchemaLayout =
    series === STORE_MIGRATIONS ? { partitions: options.partitions } : {};
  if (before.current > 0) await assertLayout(driver, options.schema, layout);
  const steps = options.dryRun
    ? before.pending
    : await migrate(driver, options.schema, series, layout);
  if (!options.dryRun) countSchemaMigrations(steps.length);
  return {
    schema: options.schema,
    dryRun: options.dryRun ?? false,
    from: before.current,
    to: steps.length > 0 ? (steps.at(-1) as Migration).version : before.current,
    steps: steps.map(toStep),
  };
}

async function seriesStatus(
  driver: SqlDriver,
  schema: string,
  series: MigrationSeries,
): Promise<DatabaseStatus> {
  const status = await schemaStatus(driver, schema, series);
  return {
    schema: status.schema,
    current: status.current,
    latest: status.latest,
    pending: status.pending.map(toStep),
    upToDate: status.current === status.latest && status.staleFunctions.length === 0,
  };
}

/** The service's series, loaded only when asked for. */
async function serviceSeries(): Promise<MigrationSeries> {
  return (await import('../service/auth/service-migrations.js')).SERVICE_MIGRATIONS;
}

function refuseNewer(current: number, latest: number, schema: string): void {
  if (current > latest) {
    throw new SchemaMismatchError(
      `schema "${schema}" is at migration ${current}, newer than this convstore (${latest}): ` +
        'upgrade convstore before using this database',
    );
  }
}

function toStep(migration: Migration): MigrationStep {
  return { version: migration.version, name: migration.name };
}

async function withDatabase<T>(url: string, work: (driver: SqlDriver) => Promise<T>): Promise<T> {
  let driver: SqlDriver | undefined;
  try {
    driver = await openSqlDriver(url, { poolSize: 1 });
    return await work(driver);
  } catch (error) {
    throw toStoreError(error);
  } finally {
    await driver?.close();
  }
}

/** What the job's span says of it (the schema is a name of the deployment, not of a person). */
function planAttributes(plan: MigrationPlan): Record<string, string | number | boolean> {
  return {
    'db.namespace': plan.schema,
    'convstore.migration.dry_run': plan.dryRun,
    'convstore.schema.from': plan.from,
    'convstore.schema.to': plan.to,
  };
}
