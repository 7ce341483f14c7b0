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
  if (isConnectionFailure(code, sqlstate)) {
    return new UnavailableError('the database is unavailable', { cause: error });
  }
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

function isConnectionFailure(code?: string, sqlstate?: string): boolean {
  if (code && (SOCKET_ERROR_CODES.has(code) || DRIVER_CONNECTION_CODES.has(code))) return true;
  if (!sqlstate) return false;
  // 08: connection exception; 57P0x: shutdown / cannot connect now; 53: out of resources.
  return sqlstate.startsWith('08') || sqlstate.startsWith('57P') || sqlstate.startsWith('53');
}
