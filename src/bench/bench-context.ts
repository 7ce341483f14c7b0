import type { Sql } from 'postgres';

/** What every subject of one run shares: where the servers are and the run's own names. */
export interface BenchContext {
  databaseUrl: string;
  redisUrl: string;
  /** A Redis Cluster (redis+cluster://...) for the hybrid-cluster-* subjects; null: not measured. */
  redisClusterUrl: string | null;
  /** Prefix of every schema and key this run creates (dropped when the run ends). */
  runPrefix: string;
  /** One admin connection for schema set-up and teardown (never on a timed path). */
  admin: Sql;
  /** PostgreSQL connections each PostgreSQL subject uses: the same for stores and references. */
  poolSize: number;
  log: (line: string) => void;
}

/** The run's schema for one subject, e.g. cs_b..._sketch. */
export function schemaFor(context: BenchContext, subject: string): string {
  return `${context.runPrefix}_${subject.replace(/[^a-z0-9]/g, '_')}`;
}

/** Runs `work` on up to `parallel` items at once (loading, never timed). */
export async function forEachParallel<T>(
  items: readonly T[],
  parallel: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

/** Integers 0..count-1. */
export function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
