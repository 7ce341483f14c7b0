/**
 * Every outcome a caller can see, in one table: each error code of the store (with its class),
 * the HTTP layer's own codes and the CLI's own exit codes, with the HTTP status and the exit code
 * each surfaces as. The ErrorCode type, ERROR_STATUS, the HTTP error code type, the CLI's help
 * text and the README's error and exit-code tables are all derived from it (the README's by
 * scripts/generate-docs.ts, checked in CI).
 *
 * kind: `error` a ConvstoreError code (thrown by the stores and jobs; `error` names its class);
 * `http` a code only the HTTP service answers with (exit null); `exit` an exit code only the CLI
 * returns, for an outcome that is no error of the store (http null).
 */
export const OUTCOMES = [
  outcome(
    'error',
    'invalid_input',
    400,
    2,
    'ValidationError',
    'bad input; `issues` lists `{ field, problem }`; nothing was written',
  ),
  outcome(
    'error',
    'not_found',
    404,
    3,
    'NotFoundError',
    "session missing, expired or another user's",
  ),
  outcome('error', 'conflict', 409, 4, 'ConflictError', 'creating what exists'),
  outcome(
    'error',
    'idempotency_mismatch',
    409,
    4,
    'IdempotencyMismatchError',
    'a retried `messageId` whose role, content or metadata differ from the stored message',
  ),
  outcome(
    'error',
    'version_conflict',
    409,
    4,
    'VersionConflictError',
    'the version the caller expected is no longer the stored one: read again, then retry',
  ),
  outcome(
    'error',
    'operation_conflict',
    409,
    4,
    'OperationConflictError',
    'an operation of the same id is in progress or was done with other parameters',
  ),
  outcome(
    'error',
    'lease_conflict',
    409,
    6,
    'LeaseConflictError',
    'another holder has the lease on this session',
  ),
  outcome(
    'error',
    'busy',
    409,
    6,
    'BusyError',
    "another runner holds the job's lock; this one did nothing (the next run catches up)",
  ),
  outcome(
    'error',
    'unavailable',
    503,
    5,
    'UnavailableError',
    'a server does not answer, or refuses the connection (wrong host, database, role or password)',
  ),
  outcome(
    'error',
    'locked',
    503,
    5,
    'DataDirLockedError',
    'the PGlite data directory is open in another process',
  ),
  outcome(
    'error',
    'schema_mismatch',
    503,
    7,
    'SchemaMismatchError',
    'database not migrated (run `db migrate`), or migrated by newer code',
  ),
  outcome(
    'error',
    'unsupported',
    501,
    10,
    'UnsupportedError',
    'this store does not offer the operation',
  ),
  outcome(
    'error',
    'internal',
    500,
    1,
    'InternalError',
    'a bug; `cause` holds the original (logged with its code, never with request data)',
  ),
  outcome('http', 'unauthorized', 401, null, null, 'no, malformed, unknown or expired credentials'),
  outcome(
    'http',
    'forbidden',
    403,
    null,
    null,
    'a user key on an admin route, the admin token on a user route',
  ),
  outcome('http', 'request_timeout', 408, null, null, 'the request did not arrive in time'),
  outcome('http', 'payload_too_large', 413, null, null, 'body over `BODY_LIMIT_BYTES`'),
  outcome(
    'http',
    'unsupported_media_type',
    415,
    null,
    null,
    'a body that is not `application/json`',
  ),
  outcome(
    'http',
    'rate_limited',
    429,
    null,
    null,
    'over the rate limit (`Retry-After` says when to retry)',
  ),
  outcome(
    'http',
    'headers_too_large',
    431,
    null,
    null,
    "request headers over the HTTP parser's limit",
  ),
  outcome('exit', 'ok', null, 0, null, 'done'),
  outcome(
    'exit',
    'verification_failed',
    null,
    8,
    null,
    '`migrate-redis --verify` found sessions that differ from their source',
  ),
  outcome(
    'exit',
    'partial',
    null,
    9,
    null,
    '`migrate-redis` skipped unreadable sessions (each reported by key on stderr); all else migrated',
  ),
  outcome(
    'exit',
    'interrupted',
    null,
    130,
    null,
    'stopped by SIGINT/SIGTERM between batches: what was committed stays, a re-run resumes',
  ),
] as const;

export type Outcome = (typeof OUTCOMES)[number];
export type OutcomeCode = Outcome['code'];
/** The codes of ConvstoreError: what the stores and jobs throw. */
export type ErrorCode = Extract<Outcome, { kind: 'error' }>['code'];
/** The codes an HTTP client may see in `{ "error": { "code" } }`. */
export type HttpErrorCode = Extract<Outcome, { http: number }>['code'];
/** The CLI's own outcomes, which are no error of the store. */
export type ExitOutcome = Extract<Outcome, { kind: 'exit' }>['code'];

function outcome<
  const K extends 'error' | 'http' | 'exit',
  const C extends string,
  const H extends number | null,
  const X extends number | null,
>(kind: K, code: C, http: H, exit: X, error: string | null, doc: string) {
  return { kind, code, http, exit, error, doc };
}

/** The exit code of one of the CLI's own outcomes. */
export function exitOf(code: ExitOutcome): number {
  return OUTCOMES.find((entry) => entry.code === code)!.exit as number;
}

/**
 * The exit codes as lines for `convstore --help`: one per code, naming every outcome behind it
 * (`4 conflict, idempotency_mismatch, ...`), usage errors with invalid input.
 */
export function exitCodeLines(): string[] {
  const byExit = new Map<number, Outcome[]>();
  for (const entry of OUTCOMES) {
    if (entry.exit === null) continue;
    byExit.set(entry.exit, [...(byExit.get(entry.exit) ?? []), entry]);
  }
  return [...byExit.entries()]
    .sort(([a], [b]) => a - b)
    .map(([exit, entries]) => {
      const codes = entries.map((entry) => entry.code.replaceAll('_', ' '));
      if (exit === 2) codes.push('usage');
      const doc = entries.length === 1 && entries[0]!.kind === 'exit' ? `: ${entries[0]!.doc}` : '';
      return `${exit} ${codes.join(', ')}${doc.replaceAll('`', '')}`;
    });
}
