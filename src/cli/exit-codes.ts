import { ConvstoreError, ERROR_STATUS } from '../contract/errors.js';

/**
 * Exit codes. Typed errors map through ERROR_STATUS (the one table shared with the HTTP service):
 * 2 invalid input, 3 not found, 4 conflict, 5 unavailable (or locked), 6 busy, 7 schema mismatch,
 * 1 internal.
 * The codes below are the CLI's own, for outcomes that are not a store error.
 */
export const EXIT = {
  ok: 0,
  internal: ERROR_STATUS.internal.exit,
  usage: ERROR_STATUS.invalid_input.exit,
  /** migrate-redis --verify found a session that differs from its source. */
  verificationFailed: 8,
  /** migrate-redis skipped unreadable source keys (reported by key), the rest migrated. */
  partial: 9,
  /** Stopped by SIGINT/SIGTERM; what was committed stays, a re-run resumes. */
  interrupted: 130,
} as const;

/** The exit code for any thrown value: typed errors through ERROR_STATUS, the rest internal. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ConvstoreError) return ERROR_STATUS[error.code].exit;
  return EXIT.internal;
}
