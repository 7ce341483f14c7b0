import type { Sql, TransactionSql, ReservedSql } from 'postgres';
import type { SqlDriver, SqlRunner } from '../sql/sql-driver.js';

export interface PostgresDriverOptions {
  url: string;
  /** Connections in the pool. Small pools win on small machines; see the README. */
  poolSize: number;
  /** Longest wait for a row or table lock before UnavailableError. Default 15 s. */
  lockTimeoutMs?: number;
}

/** Longest a statement runs (the hybrid bounds its write marks by it, see hybrid/write-marks.ts). */
export const STATEMENT_TIMEOUT_MS = 60_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 15_000;

/** Opens a pool with prepared statements (each statement is parsed once per connection). */
export async function openPostgresDriver(options: PostgresDriverOptions): Promise<SqlDriver> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(options.url, {
    max: options.poolSize,
    prepare: true,
    onnotice: () => {},
    connect_timeout: 10,
    connection: {
      application_name: 'convstore',
      // Bounds on waiting, so a stuck lock or statement becomes an UnavailableError (retryable)
      // instead of a request that never ends. Migrations lift them for their own transaction.
      statement_timeout: STATEMENT_TIMEOUT_MS,
      lock_timeout: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      idle_in_transaction_session_timeout: STATEMENT_TIMEOUT_MS,
      // Short statements only: the planner's row guesses for JSON input can cross the JIT
      // threshold, and compiling then costs tens of milliseconds for a sub-millisecond query.
      jit: 'off',
    },
  });
  return postgresDriver(sql, true);
}

/** Wraps a postgres.js client; `owned` says whether close() ends it. */
export function postgresDriver(sql: Sql, owned: boolean): SqlDriver {
  return {
    kind: 'postgres',
    ...runner(sql),
    transaction: async (work) =>
      (await sql.begin((tx: TransactionSql) => work(runner(tx)))) as Awaited<
        ReturnType<typeof work>
      >,
    reserved: async (work) => {
      const connection: ReservedSql = await sql.reserve();
      try {
        return await work(runner(connection));
      } finally {
        connection.release();
      }
    },
    listen: async (channel, onPayload) => {
      const { unlisten } = await sql.listen(channel, onPayload);
      return unlisten;
    },
    close: async () => {
      if (owned) await sql.end({ timeout: 5 });
    },
  };
}

function runner(sql: Sql | TransactionSql | ReservedSql): SqlRunner {
  const query = async <Row extends object>(text: string, params: readonly unknown[]) =>
    (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as Row[];
  return {
    query,
    // postgres.js parses rows fast; building JSON on the server would only add to the read.
    queryMany: query,
    exec: async (script) => {
      await sql.unsafe(script);
    },
  };
}
