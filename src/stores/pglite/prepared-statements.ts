import type { PGlite } from '@electric-sql/pglite';
import { parse, protocol } from '@electric-sql/pglite';

/** The PGlite methods the prepared path needs (all public on PGlite). */
export type PGliteProtocol = Pick<
  PGlite,
  | 'execProtocolStream'
  | 'runExclusive'
  | '_runExclusiveTransaction'
  | 'syncToFs'
  | 'serializers'
  | 'parsers'
>;

type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

interface Statement {
  readonly name: string;
  /** The parameter types PostgreSQL inferred, to serialise values as PGlite's query() does. */
  readonly parameterTypes: readonly number[];
  /**
   * The statement's row description (or none for a statement without rows). Bind + Execute of a
   * named statement sends no description, and PGlite's result parser needs one before the rows.
   */
  readonly description: BackendMessage | undefined;
}

/**
 * SQLSTATEs after which a statement is prepared again: a cached plan whose result type changed
 * (a migration altered a table), and a statement someone deallocated (DEALLOCATE ALL, DISCARD).
 */
const PREPARE_AGAIN = new Set(['0A000', '26000']);

/**
 * Named prepared statements on PGlite. PGlite's `query()` sends Parse, Describe, Bind, Describe,
 * Execute and Sync as six calls into WebAssembly and parses and plans the statement every time:
 * measured on this machine, planning alone was 0.8-1.2 ms of a 2 ms append, and 79% of the time
 * was inside WebAssembly. Here a statement is parsed and described once per instance, and every
 * call after that is one call into WebAssembly carrying Bind, Execute and Sync (the way a
 * PostgreSQL driver pipelines them on a socket). Results are parsed by PGlite's own parser, so
 * rows come back exactly as `query()` returns them.
 */
export class PreparedStatements {
  private readonly statements = new Map<string, Promise<Statement>>();
  private counter = 0;

  private constructor(private readonly db: PGliteProtocol) {}

  /**
   * The one registry of an instance. Statement names live in the instance's backend, so every
   * store opened on the same PGlite (one per schema, say) must share it, or names collide.
   */
  static of(db: PGliteProtocol): PreparedStatements {
    let registry = REGISTRIES.get(db);
    if (!registry) {
      registry = new PreparedStatements(db);
      REGISTRIES.set(db, registry);
    }
    return registry;
  }

  /**
   * Runs `text` with `params` outside any transaction: it queues behind an open transaction as
   * `query()` does, so it never runs inside someone else's BEGIN.
   */
  query<Row extends object>(text: string, params: readonly unknown[]): Promise<Row[]> {
    return this.db._runExclusiveTransaction(() =>
      this.db.runExclusive(async () => {
        const rows = await this.runOnce<Row>(text, params).catch(async (error: unknown) => {
          if (!PREPARE_AGAIN.has(sqlstate(error) ?? '')) throw error;
          this.statements.delete(text);
          return this.runOnce<Row>(text, params);
        });
        // query() persists after every autocommitted statement; so does this path.
        await this.db.syncToFs();
        return rows;
      }),
    );
  }

  private async runOnce<Row extends object>(
    text: string,
    params: readonly unknown[],
  ): Promise<Row[]> {
    const statement = await this.statement(text);
    const values = params.map((value, i) => this.serialize(value, statement.parameterTypes[i]));
    const messages = await this.db.execProtocolStream(
      concat([
        protocol.serialize.bind({ statement: statement.name, values }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]),
    );
    const withDescription = statement.description ? [statement.description, ...messages] : messages;
    return (parse.parseResults(withDescription, this.db.parsers)[0]?.rows ?? []) as Row[];
  }

  private statement(text: string): Promise<Statement> {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.prepare(text);
      this.statements.set(text, statement);
      statement.catch(() => this.statements.delete(text));
    }
    return statement;
  }

  private async prepare(text: string): Promise<Statement> {
    const name = `convstore_${++this.counter}`;
    const messages = await this.db.execProtocolStream(
      concat([
        protocol.serialize.parse({ name, text }),
        protocol.serialize.describe({ type: 'S', name }),
        protocol.serialize.sync(),
      ]),
    );
    return {
      name,
      parameterTypes: parse.parseDescribeStatementResults(messages),
      description: messages.find((m) => m.name === 'rowDescription'),
    };
  }

  private serialize(value: unknown, type: number | undefined): string | null {
    if (value === null || value === undefined) return null;
    const serializer = type === undefined ? undefined : this.db.serializers[type];
    return serializer ? serializer(value) : String(value);
  }
}

const REGISTRIES = new WeakMap<PGliteProtocol, PreparedStatements>();

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function sqlstate(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}
