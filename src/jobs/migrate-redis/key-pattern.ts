import { ID_PATTERN } from '../../contract/limits.js';

/**
 * The session id a key names under a SCAN pattern: with exactly one `*` (and no other glob
 * characters), what the `*` matched (`chat:*` and `chat:abc` give `abc`); otherwise the whole
 * key. Null when the result is not a valid id.
 */
export function sessionIdFromKey(key: string, pattern: string): string | null {
  const star = pattern.indexOf('*');
  const simple =
    star >= 0 && pattern.indexOf('*', star + 1) < 0 && !/[?[\]\\]/.test(pattern.replace('*', ''));
  let id = key;
  if (simple) {
    const head = pattern.slice(0, star);
    const tail = pattern.slice(star + 1);
    if (key.startsWith(head) && key.endsWith(tail) && key.length >= head.length + tail.length) {
      id = key.slice(head.length, key.length - tail.length);
    }
  }
  return ID_PATTERN.test(id) ? id : null;
}
