/** The names the output uses (and --json consumers rely on): stores and operations. */
export const STORE_NAMES = [
  'postgres',
  'pglite',
  'redis',
  'hybrid-write-through',
  'hybrid-write-behind',
  /** The hybrid on a Redis Cluster (--redis-cluster-url), without and with waitReplicas 1. */
  'hybrid-cluster-write-through',
  'hybrid-cluster-write-through-wait1',
  'hybrid-cluster-write-behind',
  'hybrid-cluster-write-behind-wait1',
  'floor-postgres',
  'floor-pglite',
  'floor-redis',
  'sketch-postgres',
  'langchain-postgres',
  'langchain-redis',
] as const;
export type StoreName = (typeof STORE_NAMES)[number];

/** What a chat app does with a store. */
export const STORE_OPERATIONS = [
  'add',
  'read_last_50',
  'list_sessions',
  'clear_session',
  'chat_turn',
] as const;
export type StoreOperation = (typeof STORE_OPERATIONS)[number];

/** The physical floors every figure is read against. */
export const FLOOR_OPERATIONS = [
  'select1',
  'insert1',
  'read50',
  'ping',
  'lrange50',
  'lrange50_decoded',
] as const;
export type FloorOperation = (typeof FLOOR_OPERATIONS)[number];

export type OperationName = StoreOperation | FloorOperation;

/** One line of --json: a (store, operation, concurrency) measured after warm-up. */
export interface BenchRow {
  store: string;
  operation: OperationName;
  concurrency: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  ops_per_s: number;
  /** Growth rows only: messages in the table when measured. */
  table_rows?: number;
}
