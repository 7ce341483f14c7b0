import type { BenchContext } from '../bench-context.js';
import { BENCH_SQL } from '../sql.generated.js';
import { renderFor } from '../subjects/render-sql.js';

/** Filler sessions per statement: 20,000 x 50 = one million rows, about 10-30 s each. */
const CHUNK_SESSIONS = 20_000;

export interface FillReport {
  tableRows: number;
  loaded: number;
  seconds: number;
}

/**
 * Grows the store's messages table to about `target` rows with filler sessions of `perSession`
 * messages, generated inside PostgreSQL (INSERT ... SELECT generate_series: nothing crosses the
 * wire). The filler rows are consistent with the store's invariants (session counters match), so
 * the store could serve them. Foreign-key triggers are skipped during the load when the role may
 * (session_replication_role, as pg_restore does); the data is consistent by construction.
 */
export async function fillMessages(
  context: BenchContext,
  schema: string,
  target: number,
  perSession: number,
  nextFiller: { value: number },
  /** Called between chunks; throws to stop the load (Ctrl-C). */
  checkpoint: () => void = () => {},
): Promise<FillReport> {
  const { admin, log } = context;
  const q = renderFor(BENCH_SQL, schema);
  const count = async () => Number((await admin.unsafe(q.growthCount))[0]!.n);
  const before = await count();
  const missing = Math.max(0, target - before);
  const sessions = Math.ceil(missing / perSession);
  const started = Date.now();
  const skipTriggers = await trySkipTriggers(context);
  try {
    for (let done = 0; done < sessions;) {
      checkpoint();
      const chunk = Math.min(CHUNK_SESSIONS, sessions - done);
      const first = nextFiller.value;
      const last = first + chunk - 1;
      await admin.unsafe(q.growthFillSessions, [first, last, perSession]);
      await admin.unsafe(q.growthFillMessages, [first, last, perSession]);
      nextFiller.value = last + 1;
      done += chunk;
      const seconds = (Date.now() - started) / 1000;
      log(
        `  growth: loaded ${(done * perSession).toLocaleString('en')} of ` +
          `${(sessions * perSession).toLocaleString('en')} rows, ` +
          `${Math.round((done * perSession) / seconds).toLocaleString('en')} rows/s`,
      );
    }
  } finally {
    if (skipTriggers) await admin.unsafe('RESET session_replication_role');
  }
  await admin.unsafe(`ANALYZE "${schema}".messages, "${schema}".sessions, "${schema}".users`);
  const seconds = (Date.now() - started) / 1000;
  return { tableRows: await count(), loaded: sessions * perSession, seconds };
}

async function trySkipTriggers(context: BenchContext): Promise<boolean> {
  try {
    await context.admin.unsafe('SET session_replication_role = replica');
    return true;
  } catch {
    context.log('  growth: loading with foreign-key checks (the role may not skip them)');
    return false;
  }
}
