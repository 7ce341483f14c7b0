/**
 * The attribute names convstore puts on its spans and metrics. Where an OpenTelemetry database
 * semantic convention fits, its name is used (db.*, error.type); the rest are convstore.*.
 * Values are kinds, names, counts and codes: never message content, and no id of a user,
 * session, message or agent, neither plain nor hashed (a hash of a short id is guessed back).
 */
export const ATTR = {
  /** 'postgresql' or 'redis' (current semantic conventions). */
  dbSystemName: 'db.system.name',
  /** The same, under the name older backends still read. */
  dbSystem: 'db.system',
  /** The store operation: 'append', 'history', ... (ConversationStore's method name). */
  dbOperationName: 'db.operation.name',
  /** The PostgreSQL schema (SQL stores). */
  dbNamespace: 'db.namespace',
  /** Appends sent to PostgreSQL as one statement (the append batcher). */
  dbBatchSize: 'db.operation.batch.size',
  /** Messages, sessions or agents an operation returned. */
  dbReturnedRows: 'db.response.returned_rows',
  /** The error's stable code (ConvstoreError.code), or 'internal'. */
  errorType: 'error.type',
  /** The store kind: 'postgres', 'pglite', 'redis' or 'hybrid'. */
  store: 'convstore.store',
  /** Messages in one append call. */
  appendMessages: 'convstore.append.messages',
  /** Messages that call stored (the others were retries of stored messages). */
  appendInserted: 'convstore.append.inserted',
  /** The append stood aside for a concurrent writer and ran again under the session's lock. */
  appendLocked: 'convstore.append.locked',
  /** Tries before the operation could go on (a contended cache load in write-behind mode). */
  retries: 'convstore.retries',
  /** Hybrid reads: answered by the Redis cache (true) or by PostgreSQL (false). */
  cacheHit: 'convstore.cache.hit',
  /** Sessions and messages an erasure or a cleanup removed. */
  deletedSessions: 'convstore.deleted.sessions',
  deletedMessages: 'convstore.deleted.messages',
  /** The job a span is: 'migrateDatabase', 'migrateRedis'. */
  job: 'convstore.job',
  /** migrate-redis: the source layout, 'convstore' or 'langchain'. */
  migrationFormat: 'convstore.migration.format',
} as const;

/** What a span or a data point may carry: counts, kinds, codes and flags. */
export type TelemetryAttributes = Record<string, string | number | boolean>;
