// The public API of convstore: the store. Every export is named here on purpose: this is the
// surface we promise to keep.
export { createStore } from './create-store.js';
export { DEFAULT_STORE_OPTIONS } from './options.js';
export type { StoreOptions } from './options.js';
export type { TelemetryOptions } from './telemetry/telemetry-options.js';
export type { ConversationStore, StoreKind } from './contract/store.js';
export type { CacheCounters, StoreCapabilities } from './contract/capabilities.js';
export { USAGE_GROUPS } from './contract/usage.js';
export type { UsageGroup, UsageInput, UsageReport, UsageRow } from './contract/usage.js';
export {
  FINAL_STATUSES,
  HISTORY_ALIGNS,
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  ROLES,
  USAGE_FIELDS,
} from './contract/types.js';
export type {
  Agent,
  AppendInput,
  AppendResult,
  BeginMessageInput,
  BeginMessageResult,
  CheckpointMessageInput,
  Deleted,
  DeleteMessagesInput,
  FinalizeMessageInput,
  FinalStatus,
  HistoryAlign,
  MessageChanges,
  MessageKind,
  MessageStatus,
  TransactInput,
  TransactResult,
  TruncateInput,
  UpdateMessageInput,
  Usage,
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
  DataDirLockedError,
  ERROR_STATUS,
  IdempotencyMismatchError,
  InternalError,
  LeaseConflictError,
  NotFoundError,
  OperationConflictError,
  SchemaMismatchError,
  UnavailableError,
  UnsupportedError,
  ValidationError,
  VersionConflictError,
} from './contract/errors.js';
export type { ErrorCode, FieldIssue } from './contract/errors.js';
export { OUTCOMES } from './contract/outcomes.js';
export type { HttpErrorCode, Outcome, OutcomeCode } from './contract/outcomes.js';
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
// The jobs (cleanup, migrations, migrate-redis, export/import/copy) are in `convstore/jobs` and the HTTP service in
// `convstore/service`, so that a program using the store loads neither.
