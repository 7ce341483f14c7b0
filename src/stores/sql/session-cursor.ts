import { ValidationError } from '../../contract/errors.js';
import { ID_PATTERN } from '../../contract/limits.js';

/** Keyset position in a user's session list: last activity (epoch microseconds, at most 16
 * digits: until the year 2286, and always inside bigint) and id. */
export interface SessionCursor {
  updatedMicros: string;
  sessionId: string;
}

/** Opaque to callers: base64url of `micros|sessionId`. */
export function encodeSessionCursor(cursor: SessionCursor): string {
  return Buffer.from(`${cursor.updatedMicros}|${cursor.sessionId}`, 'utf8').toString('base64url');
}

export function decodeSessionCursor(text: string): SessionCursor {
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  const [updatedMicros, sessionId, ...rest] = decoded.split('|');
  if (
    rest.length > 0 ||
    !updatedMicros ||
    !/^\d{1,16}$/.test(updatedMicros) ||
    !sessionId ||
    !ID_PATTERN.test(sessionId) ||
    encodeSessionCursor({ updatedMicros, sessionId }) !== text
  ) {
    throw ValidationError.field('cursor', 'is malformed (pass back a nextCursor unchanged)');
  }
  return { updatedMicros, sessionId };
}
