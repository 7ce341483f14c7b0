import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SqlDriver, SqlRunner } from '../sql/sql-driver.js';
import { lockDataDir } from './data-dir-lock.js';
import { pgliteExtensions } from './pglite-extensions.js';
import { PreparedStatements, type PGliteProtocol } from './prepared-statements.js';

/** The PGlite methods the store calls, so a caller's own instance fits without a cast. */
export type PGliteLike = Pick<PGlite, 'query' | 'exec' | 'transaction' | 'close' | 'listen'> &
  PGliteProtocol;

/** `pglite://memory` -> in memory; `pglite://./data` -> ./data; `pglite:///abs` -> /abs. */
export function pgliteDataDir(url: string): string | null {
  const location = url.slice('pglite://'.length);
  if (location === 'memory' || location === '') return null;
  return location;
}

/**
 * Opens PGlite on a directory (or in memory), after taking the directory's lock: a second
 * process on the same directory is refused (DataDirLockedError) before it reads anything. PGlite
 * is loaded only here, on first use: it is a large WebAssembly module that postgres and redis
 * users never need.
 */
export async function openPgliteDriver(dataDir: string | null): Promise<SqlDriver> {
  const lock = dataDir === null ? null : await lockDataDir(dataDir);
  let db: PGlite;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    db = await PGlite.create(dataDir ?? 'memory://', { extensions: await pgliteExtensions() });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const driver = pgliteDriver(db, true);
  return {
    ...driver,
    close: async () => {
      try {
        await driver.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Wraps a PGlite instance. PGlite is one connection that runs one query at a time, so a
 * "reserved" connection is the instance itself and transactions queue behind each other.
 */
export function pgliteDriver(db: PGliteLike, owned: boolean): SqlDriver {
  const self = runner(db);
  const prepared = PreparedStatements.of(db);
  return {
    kind: 'pglite',
    query: (text, params) => prepared.query(text, params),
    queryMany: (text, params) => manyAsJson(prepared, text, params),
    exec: self.exec,
    transaction: (work) => db.transaction((tx: Transaction) => work(runner(tx))),
    reserved: (work) => work(self),
    listen: (channel, onPayload) => db.listen(channel, onPayload),
    close: async () => {
      if (owned) await db.close();
    },
  };
}

/**
 * Many rows as one JSON value, parsed once by JSON.parse: PGlite's JavaScript result parser pays
 * for every column of every row, and a 50-message history read took half the CPU this way
 * (measured: 1,000 us -> 450 us). json_agg over a sorted subquery keeps its order (the idiom
 * PostgreSQL's documentation gives for ordered aggregates of a subquery).
 */
async function manyAsJson<Row extends object>(
  prepared: PreparedStatements,
  text: string,
  params: readonly unknown[],
): Promise<Row[]> {
  const [row] = await prepared.query<{ rows: Row[] | null }>(
    `SELECT json_agg(q) AS rows FROM (${text}) q`,
    params,
  );
  return row?.rows ?? [];
}

function runner(db: Pick<PGlite, 'query' | 'exec'> | Transaction): SqlRunner {
  const query = async <Row extends object>(text: string, params: readonly unknown[]) =>
    (await db.query<Row>(text, params as unknown[])).rows;
  return {
    query,
    queryMany: query,
    exec: async (script) => {
      await db.exec(script);
    },
  };
}
