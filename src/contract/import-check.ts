import { ValidationError } from './errors.js';
import { findTextProblem } from './json-check.js';
import { ID_PATTERN } from './limits.js';
import type { ImportSessionInput } from './portability.js';
import { MESSAGE_KINDS, MESSAGE_STATUSES, ROLES } from './types.js';

/**
 * The checks importSession makes before writing: what any store needs to hold the rows (ids,
 * seq order, roles, kinds, statuses, valid text and times). The import job checks the file more fully
 * (records.ts); this guards callers of the capability itself.
 */
export function checkImport({ session, messages }: ImportSessionInput): void {
  for (const field of ['userId', 'sessionId'] as const) {
    if (!ID_PATTERN.test(session[field]))
      throw ValidationError.field(`session.${field}`, 'is not an id');
  }
  if (session.agentId !== null && !ID_PATTERN.test(session.agentId)) {
    throw ValidationError.field('session.agentId', 'is not an id');
  }
  for (const field of ['createdAt', 'updatedAt'] as const) {
    if (!(session[field] instanceof Date) || Number.isNaN(session[field].getTime())) {
      throw ValidationError.field(`session.${field}`, 'must be a valid Date');
    }
  }
  let previous = 0;
  messages.forEach((message, index) => {
    const at = `messages.${index}`;
    if (!Number.isSafeInteger(message.seq) || message.seq <= previous) {
      throw ValidationError.field(`${at}.seq`, 'must be a whole number above the previous one');
    }
    previous = message.seq;
    if (message.seq > session.lastSeq) {
      throw ValidationError.field(`${at}.seq`, "is past the session's lastSeq");
    }
    if (!ID_PATTERN.test(message.messageId))
      throw ValidationError.field(`${at}.messageId`, 'is not an id');
    if (!(ROLES as readonly string[]).includes(message.role)) {
      throw ValidationError.field(`${at}.role`, `must be one of ${ROLES.join(', ')}`);
    }
    if (typeof message.content !== 'string' || findTextProblem(message.content, 'content')) {
      throw ValidationError.field(`${at}.content`, 'must be valid text without NUL');
    }
    if (!(message.createdAt instanceof Date) || Number.isNaN(message.createdAt.getTime())) {
      throw ValidationError.field(`${at}.createdAt`, 'must be a valid Date');
    }
    if (
      message.kind !== undefined &&
      !(MESSAGE_KINDS as readonly string[]).includes(message.kind)
    ) {
      throw ValidationError.field(`${at}.kind`, `must be one of ${MESSAGE_KINDS.join(', ')}`);
    }
    if (
      message.status !== undefined &&
      !(MESSAGE_STATUSES as readonly string[]).includes(message.status)
    ) {
      throw ValidationError.field(`${at}.status`, `must be one of ${MESSAGE_STATUSES.join(', ')}`);
    }
    if (message.data != null && typeof message.data !== 'string') {
      throw ValidationError.field(`${at}.data`, 'must be JSON text or null');
    }
  });
}
