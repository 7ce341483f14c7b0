import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { range } from '../bench-context.js';
import type { OperationName } from '../names.js';
import { BENCH_SQL } from '../sql.generated.js';
import { Targets } from '../targets.js';
import { historyPayload, readSessionCount, type Workload } from '../workload.js';
import { PreparedStatements } from '../../stores/pglite/prepared-statements.js';
import { renderFor } from './render-sql.js';
import type { Operation, Subject } from './subject.js';

/**
 * The PGlite floors: a prepared SELECT 1, a prepared one-row INSERT and a prepared 50-row key-range read on a PGlite
 * of its own, on disk like the pglite store's, through the same prepared-statement path the
 * store uses. PGlite's cost is its engine in WebAssembly, not a network: the PostgreSQL server's
 * floors say nothing about it.
 */
export class FloorPgliteSubject implements Subject {
  readonly store = 'floor-pglite';
  private readonly q = renderFor(BENCH_SQL, 'floor');
  private db: PGlite | undefined;
  private dir: string | undefined;
  private prepared: PreparedStatements | undefined;
  private targets: Targets | undefined;

  async load(workload: Workload): Promise<void> {
    this.targets = new Targets(workload);
    this.dir = await mkdtemp(join(tmpdir(), 'convstore-bench-floor-'));
    const { PGlite } = await import('@electric-sql/pglite');
    const db = (this.db = await PGlite.create(this.dir));
    await db.exec('CREATE SCHEMA floor');
    await db.exec(this.q.floorSchema);
    for (const k of range(readSessionCount(workload))) {
      const rows = range(workload.historySize).map((m) => ({
        seq: m + 1,
        p: historyPayload(workload, k, m),
      }));
      await db.query(this.q.floorLoadRead, [
        rows.map(() => k),
        rows.map((r) => r.seq),
        rows.map((r) => `m${r.seq - 1}`),
        rows.map((r) => r.p.role),
        rows.map((r) => r.p.content),
        rows.map((r) => r.p.metadata),
      ]);
    }
    await db.exec('ANALYZE floor.bare_read');
    this.prepared = PreparedStatements.of(db);
  }

  operations(): Partial<Record<OperationName, Operation>> {
    const prepared = this.prepared!;
    const targets = this.targets!;
    const size = targets.workload.historySize;
    return {
      select1: async () => {
        await prepared.query(this.q.floorSelect1, []);
      },
      insert1: async (n) => {
        const p = targets.newPayload(n);
        await prepared.query(this.q.floorInsert1, [
          targets.sessionIndex('add', n),
          `n${n}`,
          p.role,
          p.content,
          p.metadata,
        ]);
      },
      read50: async (n) => {
        await prepared.query(this.q.floorRead50, [targets.sessionIndex('read', n), 1, size]);
      },
    };
  }

  async close(): Promise<void> {
    await this.db?.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
