import {
  BusyError,
  ConflictError,
  type ConvstoreError,
  DataDirLockedError,
  IdempotencyMismatchError,
  InternalError,
  LeaseConflictError,
  NotFoundError,
  OperationConflictError,
  SchemaMismatchError,
  UnavailableError,
  UnsupportedError,
  ValidationError,
  VersionConflictError,
  type ErrorCode,
  type FieldIssue,
} from '../contract/errors.js';

/** The error body every failed answer has: `{ error: { code, message, issues? } }`. */
export interface ErrorBody {
  error?: { code?: string; message?: string; issues?: FieldIssue[] };
}

const BY_CODE: Record<ErrorCode, (message: string, issues: FieldIssue[]) => ConvstoreError> = {
  invalid_input: (message, issues) =>
    new ValidationError(issues.length > 0 ? issues : [{ field: 'input', problem: message }]),
  not_found: (message) => new NotFoundError(message),
  conflict: (message) => new ConflictError(message),
  idempotency_mismatch: (message) => new IdempotencyMismatchError(message),
  version_conflict: (message) => new VersionConflictError(message),
  operation_conflict: (message) => new OperationConflictError(message),
  lease_conflict: (message) => new LeaseConflictError(message),
  busy: (message) => new BusyError(message),
  unavailable: (message) => new UnavailableError(message),
  locked: (message) => new DataDirLockedError(message, { dir: '', pid: null }),
  schema_mismatch: (message) => new SchemaMismatchError(message),
  unsupported: (message) => new UnsupportedError(message),
  internal: (message) => new InternalError(message),
};

/**
 * The service's answer as the library's typed error, with the same code. The HTTP layer's own
 * codes become the nearest kind: refused credentials an InternalError (a configuration bug),
 * rate limits UnavailableError (retry later), an oversize body a ValidationError.
 */
export function errorFromAnswer(status: number, body: ErrorBody | null): ConvstoreError {
  const code = body?.error?.code ?? '';
  const message = body?.error?.message ?? `the service answered ${status}`;
  const make = (BY_CODE as Record<string, (m: string, i: FieldIssue[]) => ConvstoreError>)[code];
  if (make) return make(message, body?.error?.issues ?? []);
  if (status === 429 || status === 503 || status >= 502) {
    return new UnavailableError(`the service is unavailable (${code || status})`);
  }
  if (status === 413 || status === 415) {
    return new ValidationError([{ field: 'input', problem: message }]);
  }
  return new InternalError(`the service refused the call (${code || status}): ${message}`);
}
