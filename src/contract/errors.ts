import { OUTCOMES, type ErrorCode } from './outcomes.js';

export type { ErrorCode } from './outcomes.js';

/**
 * One class per kind of failure, shared by every store. `code` is stable: the HTTP service and
 * the CLI map it (see `ERROR_STATUS`, derived from the one outcome table in outcomes.ts), and
 * callers may switch on it. Messages name fields and limits, never a user's message content or
 * query parameters.
 */
export abstract class ConvstoreError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `messages.0.role`. */
  field: string;
  problem: string;
}

/** The input was refused before anything was written. */
export class ValidationError extends ConvstoreError {
  readonly code = 'invalid_input';
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.problem}`).join('; '));
    this.issues = issues;
  }

  static field(field: string, problem: string): ValidationError {
    return new ValidationError([{ field, problem }]);
  }
}

/** The session (or user, or agent) does not exist for this caller, or has expired. */
export class NotFoundError extends ConvstoreError {
  readonly code = 'not_found';
}

/** The thing to create already exists. */
export class ConflictError extends ConvstoreError {
  readonly code = 'conflict';
}

/** A retried `messageId` whose role, content or metadata differ from the stored message. */
export class IdempotencyMismatchError extends ConvstoreError {
  readonly code = 'idempotency_mismatch';
}

/** The version the caller expected is no longer the stored one: someone wrote in between. */
export class VersionConflictError extends ConvstoreError {
  readonly code = 'version_conflict';
}

/** Another holder has the lease (on a session, a job) the caller asked for. */
export class LeaseConflictError extends ConvstoreError {
  readonly code = 'lease_conflict';
}

/** An operation of the same id is in progress, or was done with other parameters. */
export class OperationConflictError extends ConvstoreError {
  readonly code = 'operation_conflict';
}

/** The store does not offer this operation. */
export class UnsupportedError extends ConvstoreError {
  readonly code = 'unsupported';
}

/** A backing server did not answer, or refused the write to protect what it holds. */
export class UnavailableError extends ConvstoreError {
  readonly code = 'unavailable';
}

/** Another runner holds the lock for this job (cleanup, migration). */
export class BusyError extends ConvstoreError {
  readonly code = 'busy';
}

/** The database schema is newer than this code, or not migrated when migrate is off. */
export class SchemaMismatchError extends ConvstoreError {
  readonly code = 'schema_mismatch';
}

/** The PGlite data directory is open in another process (`pid`); nothing was read or written. */
export class DataDirLockedError extends ConvstoreError {
  readonly code = 'locked';
  readonly dir: string;
  readonly pid: number | null;

  constructor(message: string, holder: { dir: string; pid: number | null }) {
    super(message);
    this.dir = holder.dir;
    this.pid = holder.pid;
  }
}

/** A bug or an unexpected server answer; `cause` holds the original error. */
export class InternalError extends ConvstoreError {
  readonly code = 'internal';
}

/** How each code surfaces over HTTP and as a CLI exit code (from OUTCOMES). */
export const ERROR_STATUS = Object.fromEntries(
  OUTCOMES.filter((entry) => entry.kind === 'error').map((entry) => [
    entry.code,
    { http: entry.http as number, exit: entry.exit as number },
  ]),
) as Record<ErrorCode, { http: number; exit: number }>;
