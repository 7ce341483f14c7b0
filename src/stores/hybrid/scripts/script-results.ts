import {
  IdempotencyMismatchError,
  InternalError,
  UnavailableError,
  type ConvstoreError,
} from '../../../contract/errors.js';

/**
 * Every result code the hybrid's Lua scripts return, one meaning per code across all of them
 * (each script's header lists the ones it can return). Negative codes are refusals, which
 * scriptError maps to the contract's errors; the others are outcomes the caller acts on.
 */
export const SCRIPT_RESULT = {
  /** write-behind-append: a retried messageId carries other fields than the stored message. */
  idempotencyMismatch: -2,
  /** write-behind-append: the stream holds `maxPending` entries (PostgreSQL is away). */
  queueFull: -1,
  /** read-window, apply-append, write-behind-append: the session is not cached (or expired). */
  notCached: 0,
  /** Done: served, applied, filled, appended. */
  done: 1,
  /** read-window: the answer is not all in the window (older, expired, marked stale). */
  askDatabase: 2,
  /** apply-append, invalidate: the cached session was dropped. */
  dropped: 3,
  /** invalidate: the session has queued entries; its fields were updated in place. */
  updated: 4,
  /** invalidate: the session has queued entries and no fields were given; left as it was. */
  kept: 5,
  /** fill: the refill lease was lost (a write came first) or the session is cached already. */
  leaseLost: 6,
} as const;

export type ScriptResultName = keyof typeof SCRIPT_RESULT;

/** The contract error a refusal stands for; null for an outcome that is not an error. */
export function scriptError(code: number): ConvstoreError | null {
  if (code >= 0) return null;
  if (code === SCRIPT_RESULT.queueFull) {
    return new UnavailableError(
      'write-behind queue is full: PostgreSQL has not taken the queued writes; retry later',
    );
  }
  if (code === SCRIPT_RESULT.idempotencyMismatch) {
    return new IdempotencyMismatchError(
      'a retried messageId carries other fields than the stored message; use a new messageId',
    );
  }
  return new InternalError(`a hybrid script refused with unknown code ${code}`);
}

/**
 * The name of `code` among those a script may return; an answer outside them (a script and its
 * caller out of step) is an InternalError, never taken for an outcome.
 */
export function resultName<const Names extends ScriptResultName>(
  script: string,
  code: unknown,
  expected: readonly Names[],
): Names {
  const name = expected.find((candidate) => SCRIPT_RESULT[candidate] === code);
  if (name === undefined) {
    throw new InternalError(`hybrid script ${script} answered an unexpected ${String(code)}`);
  }
  return name;
}
