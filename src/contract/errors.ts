/**
 * One class per kind of failure, shared by every store. `code` is stable: the HTTP service and
 * the CLI map it (see `ERROR_STATUS`), and callers may switch on it. Messages name fields and
 * limits, never a user's message content or query parameters.
 */
export abstract class ConvstoreError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'busy'
  | 'schema_mismatch'
  | 'unsupported'
  | 'internal';

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

/** This store cannot answer this call (the redis store keeps no index to search, for one). */
export class UnsupportedError extends ConvstoreError {
  readonly code = 'unsupported';
}

/** A bug or an unexpected server answer; `cause` holds the original error. */
export class InternalError extends ConvstoreError {
  readonly code = 'internal';
}

/** How each code surfaces over HTTP and as a CLI exit code. */
export const ERROR_STATUS: Record<ErrorCode, { http: number; exit: number }> = {
  invalid_input: { http: 400, exit: 2 },
  not_found: { http: 404, exit: 3 },
  conflict: { http: 409, exit: 4 },
  unavailable: { http: 503, exit: 5 },
  busy: { http: 409, exit: 6 },
  schema_mismatch: { http: 503, exit: 7 },
  unsupported: { http: 501, exit: 10 },
  internal: { http: 500, exit: 1 },
};
