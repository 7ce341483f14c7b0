import { ConvstoreError, ERROR_STATUS } from '../contract/errors.js';
import { exitOf } from '../contract/outcomes.js';

/**
 * Exit codes, all from the one outcome table (src/contract/outcomes.ts): typed errors map
 * through ERROR_STATUS (shared with the HTTP service); the rest are the CLI's own outcomes.
 */
export const EXIT = {
  ok: exitOf('ok'),
  internal: ERROR_STATUS.internal.exit,
  usage: ERROR_STATUS.invalid_input.exit,
  /** migrate-redis --verify found a session that differs from its source. */
  verificationFailed: exitOf('verification_failed'),
  /** migrate-redis skipped unreadable source keys (reported by key), the rest migrated. */
  partial: exitOf('partial'),
  /** Stopped by SIGINT/SIGTERM; what was committed stays, a re-run resumes. */
  interrupted: exitOf('interrupted'),
} as const;

/** The exit code for any thrown value: typed errors through ERROR_STATUS, the rest internal. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ConvstoreError) return ERROR_STATUS[error.code].exit;
  return EXIT.internal;
}
