import type { Sql, TransactionSql, ReservedSql } from 'postgres';
import type { SqlDriver, SqlRunner } from '../sql/sql-driver.js';
import { ConnectionStack } from './connection-stack.js';

export interface PostgresDriverOptions {
  url: string;
  /** Connections in the pool. Small pools win on small machines; see the README. */
  poolSize: number;
  /** Longest wait for a row or table lock before UnavailableError. Default 15 s. */
  lockTimeoutMs?: number;
  /** The schema is hash-partitioned (the store's `partitions`): plan for that. */
  partitioned?: boolean;
}

/** Longest a statement runs (the hybrid bounds its write marks by it, see hybrid/write-marks.ts). */
export const STATEMENT_TIMEOUT_MS = 60_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 15_000;

/**
 * Opens a pool with prepared statements (each statement is parsed once per connection), the
 * most recently used connection first (see ConnectionStack).
 */
export async function openPostgresDriver(options: PostgresDriverOptions): Promise<SqlDriver> {
  const { default: postgres } = await import('postgres');
  const open = () =>
    postgres(options.url, {
      max: 1,
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
        // Partitioned tables: the generic plan's cost counts every partition (it cannot know the
        // user), so the planner keeps choosing a custom plan, planned again at every execution.
        // Forced, the generic plan prunes to the user's partition when the executor starts (what
        // the query-plan tests check): a 50-message read at 16 partitions 1.14 -> 0.45 ms.
        ...(options.partitioned && { plan_cache_mode: 'force_generic_plan' }),
      },
    });
  return postgresDriver(new ConnectionStack(Array.from({ length: options.poolSize }, open)));
}

/** The driver over a stack of postgres.js clients, which close() ends. */
function postgresDriver(stack: ConnectionStack): SqlDriver {
  const query = <Row extends object>(text: string, params: readonly unknown[]) =>
    stack.use((sql) => runner(sql).query<Row>(text, params));
  return {
    kind: 'postgres',
    query,
    // postgres.js parses rows fast; building JSON on the server would only add to the read.
    queryMany: query,
    exec: (script) => stack.use((sql) => runner(sql).exec(script)),
    transaction: (work) =>
      stack.use(
        async (sql) =>
          (await sql.begin((tx: TransactionSql) => work(runner(tx)))) as Awaited<
            ReturnType<typeof work>
          >,
        true,
      ),
    reserved: (work) =>
      stack.use(async (sql) => {
        const connection: ReservedSql = await sql.reserve();
        try {
          return await work(runner(connection));
        } finally {
          connection.release();
        }
      }, true),
    listen: async (channel, onPayload) => {
      const { unlisten } = await stack.clients[0]!.listen(channel, onPayload);
      return unlisten;
    },
    close: async () => {
      await Promise.all(stack.clients.map((sql) => sql.end({ timeout: 5 })));
    },
  };
}

function runner(sql: Sql | TransactionSql | ReservedSql): SqlRunner {
  const query = async <Row extends object>(text: string, params: readonly unknown[]) =>
    (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as Row[];
  return {
    query,
    queryMany: query,
    exec: async (script) => {
      await sql.unsafe(script);
    },
  };
}
