import type { MeasurePlan } from './measure.js';
import type { StoreName } from './names.js';
import type { Workload } from './workload.js';

/** Table sizes the growth run measures at. */
export const GROWTH_SIZES = { '100k': 100_000, '1m': 1_000_000, '10m': 10_000_000 } as const;
export type GrowthSize = keyof typeof GROWTH_SIZES;

/** Options of runBench (and of `npm run bench` / `convstore bench`, flag for flag). */
export interface BenchOptions {
  /** A whole run in under a minute: small data, short measurements, no growth run. */
  quick?: boolean;
  /** PostgreSQL for the postgres and hybrid stores, the references and the floors. */
  databaseUrl?: string;
  /** Redis for the redis and hybrid stores, the references and the floors. */
  redisUrl?: string;
  /**
   * A Redis Cluster (`redis+cluster://host:port,...`, a replica per master for the -wait1
   * subjects) for the hybrid-cluster-* subjects; unset: they are not measured.
   */
  redisClusterUrl?: string;
  /** Only the usage-report measurement, over this many messages (see usage-bench.ts). */
  usage?: number;
  /** Only the append explained (see explain/run-explain.ts). */
  explain?: boolean;
  /** Appends the explain mode measures on each side. Default 500. */
  appends?: number;
  /** Only these stores/references (default: all; the floors are always measured). */
  stores?: StoreName[];
  /** Concurrent callers. Default [1, 32]. */
  concurrency?: number[];
  /** Messages-table sizes for the growth run. Default ['100k', '10m'] (quick: none). */
  growth?: GrowthSize[];
  /** Messages in the table of the search run (search vs ILIKE); none when unset. */
  search?: number;
  /** The HTTP service under load (when the service is available). Default true (quick: false). */
  http?: boolean;
  /** An earlier run's --json file, compared row by row (each against its own floors). */
  baseline?: string;
  /** Write the rows as JSON here. */
  json?: string;
  /** Write the SVG chart here. */
  svg?: string;
  /** Write the results as Markdown tables here (for docs/BENCHMARKS.md). */
  markdown?: string;
  /** Longest a measurement runs, in seconds (default 3; quick: 0.25). */
  seconds?: number;
  /** Seed of the data and of the target sequences. Default 42. */
  seed?: number;
  /** PostgreSQL connections of every PostgreSQL subject alike. Default 4 (the store's default). */
  poolSize?: number;
  /** Where progress lines go. Default stderr. */
  log?: (line: string) => void;
}

export const DEFAULT_DATABASE_URL =
  process.env.CONVSTORE_BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = process.env.CONVSTORE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** How much data and how long each measurement runs, for a quick and a full run. */
export interface Profile {
  workload: Omit<Workload, 'seed' | 'clearSessions'>;
  plan: (concurrency: number) => MeasurePlan;
  /** Rounds each measurement is split into, interleaved across stores (see interleave.ts). */
  rounds: number;
  /** clear_session consumes a prepared session per op, so it runs fewer. */
  clearOps: number;
  /** Bench sessions of the growth run (its own, beside the filler). */
  growthWorkload: Omit<Workload, 'seed' | 'clearSessions'>;
}

export const PROFILES: Record<'quick' | 'full', Profile> = {
  quick: {
    workload: { users: 10, sessionsPerUser: 5, historySize: 50 },
    plan: (c) => ({
      warmupOps: Math.max(20, 2 * c),
      warmupSeconds: 0.1,
      maxOps: 2000,
      maxSeconds: 0.25,
    }),
    rounds: 2,
    clearOps: 60,
    growthWorkload: { users: 10, sessionsPerUser: 5, historySize: 50 },
  },
  full: {
    workload: { users: 100, sessionsPerUser: 10, historySize: 50 },
    plan: (c) => ({
      warmupOps: Math.max(200, 8 * c),
      warmupSeconds: 1,
      maxOps: 20_000,
      maxSeconds: 3,
    }),
    rounds: 5,
    clearOps: 600,
    growthWorkload: { users: 20, sessionsPerUser: 10, historySize: 50 },
  },
};
