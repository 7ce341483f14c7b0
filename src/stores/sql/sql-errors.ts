import {
  ConflictError,
  ConvstoreError,
  IdempotencyMismatchError,
  InternalError,
  LeaseConflictError,
  NotFoundError,
  OperationConflictError,
  UnavailableError,
  ValidationError,
  VersionConflictError,
} from '../../contract/errors.js';
import { SOCKET_ERROR_CODES } from '../socket-errors.js';

/**
 * Turns a driver error into the store's typed errors. The driver's error stays as `cause`; its
 * text is not copied, because a server message can quote the row, and rows hold users' words.
 */
export function toStoreError(error: unknown): ConvstoreError {
  if (error instanceof ConvstoreError) return error;
  const { code, sqlstate } = errorCodes(error);
  const raised = sqlstate ? RAISED[sqlstate] : undefined;
  if (raised) return raised(error);
  const refused = connectionProblem(code, sqlstate);
  if (refused) return new UnavailableError(`the database ${refused}`, { cause: error });
  // 55P03: lock_timeout; 57014: statement_timeout. Nothing was written: safe to retry.
  if (sqlstate === '55P03' || sqlstate === '57014') {
    return new UnavailableError('the database did not answer in time', { cause: error });
  }
  if (sqlstate === '23505') return new ConflictError('the row already exists', { cause: error });
  if (sqlstate?.startsWith('22') || sqlstate === '54000') {
    return new ValidationError([
      { field: 'input', problem: `refused by the database (${sqlstate})` },
    ]);
  }
  return new InternalError(`unexpected database error${sqlstate ? ` (${sqlstate})` : ''}`, {
    cause: error,
  });
}

/**
 * The SQLSTATEs convstore's stored functions raise (class CV, which PostgreSQL leaves to
 * applications), each the contract's error. Their messages are convstore's own words, so they
 * are safe to pass on.
 */
const RAISED: Record<string, (cause: unknown) => ConvstoreError> = {
  CV001: (cause) =>
    new IdempotencyMismatchError(
      'a retried messageId carries other fields than the stored message; use a new messageId',
      { cause },
    ),
  CV002: (cause) =>
    new VersionConflictError('the message has changed since expectedVersion', { cause }),
  CV003: (cause) => new LeaseConflictError(raisedMessage(cause, 'lease conflict'), { cause }),
  CV004: (cause) =>
    new OperationConflictError(raisedMessage(cause, 'operation conflict'), { cause }),
  CV404: (cause) => new NotFoundError(raisedMessage(cause, 'not found'), { cause }),
};

function raisedMessage(error: unknown, fallback: string): string {
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && message.length < 200 ? message : fallback;
}

/**
 * The same failure, named for an operator who has to fix a setting: when `error` (or its cause)
 * is a failure to reach or log into the database of `url`, an UnavailableError that names the
 * host, port, database and user (never the password) and what went wrong, e.g.
 * `cannot use PostgreSQL at 127.0.0.1:5432, database "app" as "app": the database does not exist
 * (3D000)`. Anything else comes back as toStoreError maps it.
 */
export function toConnectionError(error: unknown, url: string): ConvstoreError {
  const target = parseTarget(url);
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const { code, sqlstate } = errorCodes(current);
    const problem = connectionProblem(code, sqlstate);
    // A socket error names the port it failed on: a Redis that refused is not this database.
    const port = (current as { port?: unknown }).port;
    const elsewhere =
      code && SOCKET_ERROR_CODES.has(code) && port !== undefined && target
        ? String(port) !== target.port
        : false;
    if (problem && !elsewhere) {
      return new UnavailableError(
        `cannot use PostgreSQL at ${describeTarget(url)}: the database ${problem}`,
        { cause: error },
      );
    }
    current = (current as { cause?: unknown }).cause;
  }
  return toStoreError(error);
}

function errorCodes(error: unknown): { code?: string; sqlstate?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  // postgres.js puts SQLSTATE in `code`; PGlite's DatabaseError does too. Node's socket errors
  // use `code` for ECONNREFUSED and the like.
  const sqlstate = code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  return { code, sqlstate };
}

/** postgres.js's own codes for a connection it lost or could not open. */
const DRIVER_CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * What keeps the database from being used, as the end of "the database ...", or null when the
 * error is not about reaching it. 08: connection exception; 28: invalid authorization (wrong
 * role or password); 3D: invalid catalog name (no such database); 57P0x: shutting down or not
 * accepting connections yet; 53: out of resources (too many connections).
 */
function connectionProblem(code?: string, sqlstate?: string): string | null {
  if (code === 'ECONNREFUSED') return 'refused the connection (ECONNREFUSED: is it running?)';
  if (code && SOCKET_ERROR_CODES.has(code)) return `is unreachable (${code})`;
  if (code && DRIVER_CONNECTION_CODES.has(code)) return `is unavailable (${code})`;
  if (!sqlstate) return null;
  if (sqlstate.startsWith('28')) {
    return `refused the login: wrong user or password, or not allowed by pg_hba.conf (${sqlstate})`;
  }
  if (sqlstate.startsWith('3D')) return `does not exist (${sqlstate})`;
  if (sqlstate.startsWith('08')) return `connection failed (${sqlstate})`;
  if (sqlstate.startsWith('57P') || sqlstate.startsWith('53')) {
    return `is unavailable (${sqlstate})`;
  }
  return null;
}

/** `host:port, database "db" as "user"` from a postgres:// URL; the password never appears. */
function describeTarget(url: string): string {
  const target = parseTarget(url);
  if (!target) return 'the configured URL';
  const user = target.user ? ` as "${target.user}"` : '';
  return `${target.host}:${target.port}, database "${target.database}"${user}`;
}

function parseTarget(
  url: string,
): { host: string; port: string; database: string; user: string } | null {
  try {
    const parsed = new URL(url);
    return {
      host: parsed.hostname || 'localhost',
      port: parsed.port || '5432',
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)',
      user: decodeURIComponent(parsed.username),
    };
  } catch {
    return null;
  }
}
