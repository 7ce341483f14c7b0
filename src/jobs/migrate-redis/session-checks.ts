import { findJsonProblem, findTextProblem } from '../../contract/json-check.js';
import { ID_PATTERN, MAX_CALL_ID_CHARS, type Limits } from '../../contract/limits.js';
import type { SourceSession } from './types.js';

/**
 * The store's input rules applied to a session read from the source: a session the store would
 * refuse on append (NUL bytes, lone surrogates, oversized content or metadata, bad ids) is
 * reported and skipped whole, so the target never holds half of a session or data the store
 * could not have written. Returns the first problem, without quoting any content.
 */
export function findSessionProblem(session: SourceSession, limits: Limits): string | null {
  for (const [field, id] of [
    ['user id', session.userId],
    ['session id', session.sessionId],
  ] as const) {
    if (!ID_PATTERN.test(id)) return `${field} is not 1-128 characters of A-Z a-z 0-9 . _ : @ -`;
  }
  if (session.agentId !== null && !ID_PATTERN.test(session.agentId)) return 'agent id is invalid';
  const sessionProblem =
    (session.title === null ? null : findTextProblem(session.title, 'title')) ??
    findJsonProblem(session.metadata, 'session metadata');
  if (sessionProblem) return sessionProblem;
  const ids = new Set<string>();
  for (const message of session.messages) {
    const where = `message ${message.seq}`;
    if (!ID_PATTERN.test(message.messageId)) return `${where}: message id is invalid`;
    if (ids.has(message.messageId)) return `${where}: message id repeats an earlier one`;
    ids.add(message.messageId);
    const problem =
      findTextProblem(message.content, `${where} content`) ??
      findJsonProblem(message.metadata, `${where} metadata`);
    if (problem) return problem;
    if (message.data !== null) {
      const dataProblem = findTextProblem(message.data, `${where} data`);
      if (dataProblem) return dataProblem;
      const dataBytes = Buffer.byteLength(message.data, 'utf8');
      if (dataBytes > limits.maxDataBytes) {
        return `${where}: data is ${dataBytes} bytes, over the limit of ${limits.maxDataBytes}`;
      }
    }
    for (const id of [...message.toolCallIds, ...message.toolResultIds]) {
      if ([...id].length > MAX_CALL_ID_CHARS) return `${where}: a tool call id is too long`;
    }
    const contentBytes = Buffer.byteLength(message.content, 'utf8');
    if (contentBytes > limits.maxContentBytes) {
      return `${where}: content is ${contentBytes} bytes, over the limit of ${limits.maxContentBytes}`;
    }
    const metadataBytes = Buffer.byteLength(JSON.stringify(message.metadata), 'utf8');
    if (metadataBytes > limits.maxMetadataBytes) {
      return `${where}: metadata is ${metadataBytes} bytes, over the limit of ${limits.maxMetadataBytes}`;
    }
  }
  return null;
}
