import type { Sql } from 'postgres';
import { forEachParallel, range, schemaFor, type BenchContext } from '../bench-context.js';
import type { OperationName } from '../names.js';
import { BENCH_SQL } from '../sql.generated.js';
import { Targets } from '../targets.js';
import { historyPayload, readSessionCount, type Workload } from '../workload.js';
import { renderFor } from './render-sql.js';
import type { Operation, Subject } from './subject.js';

/**
 * The PostgreSQL floors, through the same driver (postgres.js, prepared statements) and pool size
 * as the postgres store, with the same payloads: no store can beat these by construction.
 */
export class FloorPostgresSubject implements Subject {
  readonly store = 'floor-postgres';
  private readonly schema: string;
  private readonly q: ReturnType<typeof renderFor<typeof BENCH_SQL>>;
  private sql: Sql | undefined;
  private targets: Targets | undefined;

  constructor(private readonly context: BenchContext) {
    this.schema = schemaFor(context, 'floor');
    this.q = renderFor(BENCH_SQL, this.schema);
  }

  async load(workload: Workload): Promise<void> {
    const { admin } = this.context;
    this.targets = new Targets(workload);
    await admin.unsafe(`CREATE SCHEMA "${this.schema}"`);
    await admin.unsafe(this.q.floorSchema);
    const batches = range(Math.ceil(readSessionCount(workload) / 20)).map((b) =>
      range(20)
        .map((i) => b * 20 + i)
        .filter((k) => k < readSessionCount(workload)),
    );
    await forEachParallel(batches, 4, async (batch) => {
      const rows = batch.flatMap((k) =>
        range(workload.historySize).map((m) => ({
          k,
          seq: m + 1,
          p: historyPayload(workload, k, m),
        })),
      );
      await admin.unsafe(this.q.floorLoadRead, [
        rows.map((r) => r.k),
        rows.map((r) => r.seq),
        rows.map((r) => `m${r.seq - 1}`),
        rows.map((r) => r.p.role),
        rows.map((r) => r.p.content),
        rows.map((r) => r.p.metadata),
      ]);
    });
    await admin.unsafe(`ANALYZE "${this.schema}".bare_read`);
    const { default: postgres } = await import('postgres');
    this.sql = postgres(this.context.databaseUrl, {
      max: this.context.poolSize,
      prepare: true,
      onnotice: () => {},
    });
  }

  operations(): Partial<Record<OperationName, Operation>> {
    const sql = this.sql!;
    const targets = this.targets!;
    const size = targets.workload.historySize;
    const run = (text: string, params: unknown[]) =>
      sql.unsafe(text, params as never[], { prepare: true });
    return {
      select1: async () => {
        await run(this.q.floorSelect1, []);
      },
      insert1: async (n) => {
        const p = targets.newPayload(n);
        await run(this.q.floorInsert1, [
          targets.sessionIndex('add', n),
          `n${n}`,
          p.role,
          p.content,
          p.metadata,
        ]);
      },
      read50: async (n) => {
        await run(this.q.floorRead50, [targets.sessionIndex('read', n), 1, size]);
      },
    };
  }

  async close(): Promise<void> {
    await this.sql?.end({ timeout: 5 });
    await this.context.admin.unsafe(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
  }
}
