import type { BenchRow } from './names.js';
import type { MachineInfo } from './report/machine-info.js';
import type { Workload } from './workload.js';

/** Everything one run measured, and what it could not. */
export interface BenchResult {
  machine: MachineInfo;
  /** Prefix of every schema and key the run created (and dropped). */
  runPrefix: string;
  quick: boolean;
  seed: number;
  workload: Workload;
  /** One per (store, operation, concurrency), references and growth included. */
  rows: BenchRow[];
  /** Stores or steps that could not run, and why (e.g. a store this version does not have). */
  skipped: Array<{ store: string; reason: string }>;
  /** What the growth loader did: rows loaded and its rate. */
  loads: Array<{
    /** The schema's store (postgres, postgres-partitioned); absent in runs before partitions. */
    store?: string;
    table_rows: number;
    loaded: number;
    seconds: number;
    rows_per_s: number;
  }>;
  /** The growth run's cleanup step: expired sessions reclaimed by cleanupExpired, timed once. */
  cleanups?: Array<{
    store: string;
    table_rows: number;
    sessions: number;
    messages: number;
    seconds: number;
    messages_per_s: number;
  }>;
  /** The rows of an earlier run (--baseline), shown beside this run's. */
  baseline?: BenchRow[];
  /** The search run (--search): the store's search beside a plain ILIKE scan. */
  search?: SearchBenchRow[];
  seconds: number;
}

/** One query of the search run, timed one way, at one table size. */
export interface SearchBenchRow {
  table_rows: number;
  query: string;
  /** rank_all: search.sql before it ranked only the newest hits (search-rank-all.sql). */
  method: 'search' | 'rank_all' | 'ilike';
  /** The user's messages the query matches. */
  hits: number;
  p50_ms: number;
  p95_ms: number;
}
