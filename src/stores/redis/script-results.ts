import {
  type ConvstoreError,
  ConflictError,
  IdempotencyMismatchError,
  InternalError,
  LeaseConflictError,
  NotFoundError,
  OperationConflictError,
  VersionConflictError,
} from '../../contract/errors.js';

/**
 * What a script answers first: 0 for done, else why it changed nothing. The scripts get these
 * names as the Lua table R (see scripts.ts); scriptError is the one place they become errors.
 */
export const SCRIPT_RESULT = {
  ok: 0,
  sessionNotFound: 1,
  messageNotFound: 2,
  versionConflict: 3,
  leaseConflict: 4,
  operationConflict: 5,
  suffixMismatch: 6,
  idempotencyMismatch: 7,
  sessionExists: 8,
  notADraft: 9,
  draftIdTaken: 10,
} as const;

export type ScriptResult = (typeof SCRIPT_RESULT)[keyof typeof SCRIPT_RESULT];

/** The contract's error for a script's refusal (messages name no user's words). */
export function scriptError(code: number): ConvstoreError {
  switch (code) {
    case SCRIPT_RESULT.sessionNotFound:
      return new NotFoundError('session not found');
    case SCRIPT_RESULT.messageNotFound:
      return new NotFoundError('message not found');
    case SCRIPT_RESULT.versionConflict:
      return new VersionConflictError('the message has another version now; nothing changed');
    case SCRIPT_RESULT.leaseConflict:
      return new LeaseConflictError('the draft is not leased to this caller; nothing changed');
    case SCRIPT_RESULT.notADraft:
      return new LeaseConflictError('the message is final already; nothing changed');
    case SCRIPT_RESULT.draftIdTaken:
      return new LeaseConflictError('a message with this messageId exists: begin a new draft');
    case SCRIPT_RESULT.operationConflict:
      return new OperationConflictError(
        'this operation id was applied with another body; nothing changed',
      );
    case SCRIPT_RESULT.suffixMismatch:
      return new OperationConflictError(
        'the expected suffix is not the session’s newest messages; nothing changed',
      );
    case SCRIPT_RESULT.idempotencyMismatch:
      return new IdempotencyMismatchError(
        'a messageId was retried with other fields than the stored original; nothing changed',
      );
    case SCRIPT_RESULT.sessionExists:
      return new ConflictError('this user already has a session with that id');
    default:
      return new InternalError(`unexpected script result ${code}`);
  }
}

/** Throws the contract's error unless a script's reply says done. */
export function expectOk(code: number): void {
  if (code !== SCRIPT_RESULT.ok) throw scriptError(code);
}
