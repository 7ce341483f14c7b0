// `convstore/jobs`: the library functions the CLI (`convstore cleanup`, `db migrate`,
// `migrate-redis`, `export`, `import`, `copy`) wraps, for running them from code. Every export
// is named on purpose.
export { runCleanup } from './cleanup.js';
export type { CleanupOptions, CleanupReport } from './cleanup.js';
export { scheduleCleanup } from './schedule-cleanup.js';
export type { ScheduleCleanupOptions, StopCleanup } from './schedule-cleanup.js';
export { scheduleUsageRollup } from './schedule-usage-rollup.js';
export type { ScheduleUsageRollupOptions } from './schedule-usage-rollup.js';
export { databaseStatus, migrateDatabase } from './migrate-database.js';
export type {
  DatabaseStatus,
  DatabaseTarget,
  MigrateDatabaseOptions,
  MigrationPlan,
  MigrationStep,
} from './migrate-database.js';
export { migrateRedis } from './migrate-redis/migrate-redis.js';
export type { MigrationSummary } from './migrate-redis/migrate-redis.js';
export type { MigrateRedisOptions, SourceFormat } from './migrate-redis/options.js';
export type { MigrationProgress } from './migrate-redis/types.js';
export type { SessionDifference } from './migrate-redis/verify.js';
export { exportData, exportLines } from './portability/export-data.js';
export type { ExportOptions, ExportSummary } from './portability/export-data.js';
export { importData } from './portability/import-data.js';
export type { ImportOptions, ImportSummary } from './portability/import-data.js';
export { copyStore } from './portability/copy-store.js';
export type { CopyOptions, CopyProgress, CopySummary } from './portability/copy-store.js';
export { formatUsage, usageReport, USAGE_FORMATS } from './usage-report.js';
export { runUsageRollup } from './usage-rollup.js';
export type { UsageRollupInput, UsageRollupReport } from '../contract/usage-rollup.js';
export type { UsageFormat } from './usage-report.js';
