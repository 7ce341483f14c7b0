import type { Sql, TransactionSql, ReservedSql } from 'postgres';
import type { SqlDriver, SqlRunner } from '../sql/sql-driver.js';

export interface PostgresDriverOptions {
  url: string;
  /** Connections in the pool. Small pools win on small machines; see the README. */
  poolSize: number;
}

/** Opens a pool with prepared statements (each statement is parsed once per connection). */
export async function openPostgresDriver(options: PostgresDriverOptions): Promise<SqlDriver> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(options.url, {
    max: options.poolSize,
    prepare: true,
    onnotice: () => {},
    connection: { application_name: 'convstore' },
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
    close: async () => {
      if (owned) await sql.end({ timeout: 5 });
    },
  };
}

function runner(sql: Sql | TransactionSql | ReservedSql): SqlRunner {
  return {
    query: async <Row extends object>(text: string, params: readonly unknown[]) =>
      (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as Row[],
    exec: async (script) => {
      await sql.unsafe(script);
    },
  };
}
