/**
 * The few things the SQL store needs from a PostgreSQL driver. Each driver folder (postgres,
 * pglite) adapts its library to this, so neither library is loaded unless it is used.
 */
export interface SqlRunner {
  /** One statement with parameters, as one round trip. */
  query<Row extends object>(text: string, params: readonly unknown[]): Promise<Row[]>;
  /**
   * A read of many rows (a history page, a list), the driver's fastest way. The rows' values are
   * what query() gives or their JSON forms (timestamps as ISO text, int8 as numbers): callers
   * convert either.
   */
  queryMany<Row extends object>(text: string, params: readonly unknown[]): Promise<Row[]>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDriver extends SqlRunner {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Runs `work` on one connection held throughout (session-level advisory locks need that). */
  reserved<T>(work: (connection: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * LISTENs on a channel (PostgreSQL: on a connection of its own, re-established by the driver;
   * PGlite: in process). Resolves once listening, to the function that stops.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes what the driver opened; a client handed in by the caller stays open. */
  close(): Promise<void>;
}
