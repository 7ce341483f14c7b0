import { SchemaMismatchError } from '../contract/errors.js';
import { migrate, schemaStatus, type Migration } from '../stores/sql/migrator.js';
import { toStoreError } from '../stores/sql/sql-errors.js';
import { countSchemaMigrations, traceJob } from '../telemetry/job-telemetry.js';
import { openDatabase } from './open-database.js';

export interface DatabaseTarget {
  /** `postgres://...` or `pglite://<dir>`. */
  url: string;
  /** Schema that holds convstore's tables. */
  schema: string;
}

export interface MigrateDatabaseOptions extends DatabaseTarget {
  /** Only report what would be applied; change nothing. */
  dryRun?: boolean;
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
}

export interface DatabaseStatus {
  schema: string;
  current: number;
  latest: number;
  pending: MigrationStep[];
  upToDate: boolean;
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
    const before = await schemaStatus(driver, options.schema);
    refuseNewer(before.current, before.latest, options.schema);
    const steps = options.dryRun ? before.pending : await migrate(driver, options.schema);
    if (!options.dryRun) countSchemaMigrations(steps.length);
    return {
      schema: options.schema,
      dryRun: options.dryRun ?? false,
      from: before.current,
      to: steps.length > 0 ? (steps.at(-1) as Migration).version : before.current,
      steps: steps.map(toStep),
    };
  });
}

/** What is applied and what is pending, read-only. */
export async function databaseStatus(target: DatabaseTarget): Promise<DatabaseStatus> {
  return withDatabase(target.url, async (driver) => {
    const status = await schemaStatus(driver, target.schema);
    return {
      schema: status.schema,
      current: status.current,
      latest: status.latest,
      pending: status.pending.map(toStep),
      upToDate: status.current === status.latest,
    };
  });
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

async function withDatabase<T>(
  url: string,
  work: (driver: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  let driver: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    driver = await openDatabase(url, 1);
    return await work(driver);
  } catch (error) {
    throw toStoreError(error);
  } finally {
    await driver?.close();
  }
}
