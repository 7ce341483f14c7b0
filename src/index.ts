// The public API of convstore. Every export is named here on purpose: this is the surface we
// promise to keep.
export { createStore } from './create-store.js';
export { DEFAULT_STORE_OPTIONS } from './options.js';
export type { StoreOptions } from './options.js';
export type { ConversationStore, StoreKind } from './contract/store.js';
export { ROLES } from './contract/types.js';
export type {
  Agent,
  AppendInput,
  AppendResult,
  CleanupInput,
  CreateSessionInput,
  DeletedCounts,
  HistoryInput,
  ListSessionsInput,
  Message,
  Metadata,
  NewMessage,
  PutAgentInput,
  Role,
  Session,
  SessionKey,
  SessionPage,
  UpdateSessionInput,
  UserKey,
} from './contract/types.js';
export {
  BusyError,
  ConflictError,
  ConvstoreError,
  ERROR_STATUS,
  InternalError,
  NotFoundError,
  SchemaMismatchError,
  UnavailableError,
  UnsupportedError,
  ValidationError,
} from './contract/errors.js';
export type { ErrorCode, FieldIssue } from './contract/errors.js';
export { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT } from './contract/search.js';
export type { SearchHit, SearchInput, SearchPage } from './contract/search.js';
export type {
  ExportSessionsInput,
  ImportSessionInput,
  ImportSessionResult,
  PortableStore,
} from './contract/portability.js';
export { pgliteExtensions } from './stores/pglite/pglite-extensions.js';
export { DEFAULT_LIMITS, ID_PATTERN } from './contract/limits.js';
export type { Limits } from './contract/limits.js';
export type { CacheOptions } from './options.js';
export { runFlusher } from './stores/hybrid/run-flusher.js';
export type { RunFlusherOptions, FlusherReport } from './stores/hybrid/run-flusher.js';
export { cacheStats } from './stores/hybrid/cache-stats.js';
export type { CacheStats } from './stores/hybrid/cache-health.js';
// Jobs: the library functions the CLI (`convstore cleanup`, `db migrate`, `migrate-redis`) wraps.
export { runCleanup } from './jobs/cleanup.js';
export type { CleanupOptions, CleanupReport } from './jobs/cleanup.js';
export { scheduleCleanup } from './jobs/schedule-cleanup.js';
export type { ScheduleCleanupOptions, StopCleanup } from './jobs/schedule-cleanup.js';
export { databaseStatus, migrateDatabase } from './jobs/migrate-database.js';
export type {
  DatabaseStatus,
  MigrateDatabaseOptions,
  MigrationPlan,
  MigrationStep,
} from './jobs/migrate-database.js';
export { migrateRedis } from './jobs/migrate-redis/migrate-redis.js';
export type { MigrationSummary } from './jobs/migrate-redis/migrate-redis.js';
export type { MigrateRedisOptions, SourceFormat } from './jobs/migrate-redis/options.js';
export type { MigrationProgress } from './jobs/migrate-redis/types.js';
export type { SessionDifference } from './jobs/migrate-redis/verify.js';
export { exportData, exportLines } from './jobs/portability/export-data.js';
export type { ExportOptions, ExportSummary } from './jobs/portability/export-data.js';
export { importData } from './jobs/portability/import-data.js';
export type { ImportOptions, ImportSummary } from './jobs/portability/import-data.js';
export { copyStore } from './jobs/portability/copy-store.js';
export type { CopyOptions, CopyProgress, CopySummary } from './jobs/portability/copy-store.js';
export { startService } from './service/index.js';
export type { ServiceDeps, ServiceHandle } from './service/index.js';
export { CONFIG_FIELDS, loadServiceConfig } from './config/index.js';
export type { ConfigOverrides, FlatConfig, ServiceConfig } from './config/index.js';
