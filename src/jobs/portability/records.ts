import { z } from 'zod';
import { ValidationError } from '../../contract/errors.js';
import { findTextProblem } from '../../contract/json-check.js';
import { ID_PATTERN } from '../../contract/limits.js';
import { estimateTokens } from '../../contract/message-fingerprint.js';
import {
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  ROLES,
  type Agent,
  type Message,
  type Session,
} from '../../contract/types.js';

/**
 * The NDJSON export format, one JSON object a line:
 *   {"type":"convstore-export","version":1,"exportedAt":"..."}   first line
 *   {"type":"agent","agent":{...Agent}}                           whole-store exports only
 *   {"type":"session","session":{...Session}}                     then the session's messages:
 *   {"type":"message","userId":"..","sessionId":"..","message":{...Message}}
 *   {"type":"end","sessions":n,"messages":n}                      last line of a whole export
 * Sessions and messages are the contract's objects, serialised whole (times as ISO strings):
 * a message carries its framework data (byte for byte), format, kind, tool call ids, status,
 * version, updatedAt, usage and tokenCount. A file written before messages had those fields
 * reads with their defaults (a complete plain message, version 1, its token count estimated).
 */
export const EXPORT_FORMAT = 'convstore-export';
export const EXPORT_VERSION = 1;

export type ExportRecord =
  | { type: typeof EXPORT_FORMAT; version: number; exportedAt: string }
  | { type: 'agent'; agent: Agent }
  | { type: 'session'; session: Session }
  | { type: 'message'; userId: string; sessionId: string; message: Message }
  | { type: 'end'; sessions: number; messages: number };

export function headerRecord(): ExportRecord {
  return { type: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString() };
}

const id = z.string().regex(ID_PATTERN);
const time = z.iso.datetime({ offset: true }).transform((text) => new Date(text));
const json = z.record(z.string(), z.unknown());
const text = z.string().refine((value) => findTextProblem(value, 'text') === null, {
  message: 'holds a NUL character or a lone surrogate',
});
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

// Loose objects: fields this version does not know pass through to the store untouched.
const session = z.looseObject({
  userId: id,
  sessionId: id,
  agentId: id.nullable(),
  title: text.nullable(),
  metadata: json,
  createdAt: time,
  updatedAt: time,
  expiresAt: time.nullable(),
  lastSeq: count,
  messageCount: count,
});
const label = text.optional();
const tokens = count.optional();
const usage = z.looseObject({
  model: label,
  provider: label,
  inputTokens: tokens,
  outputTokens: tokens,
  totalTokens: tokens,
  reasoningTokens: tokens,
  cachedInputTokens: tokens,
  latencyMs: tokens,
  finishReason: label,
});
const callIds = z.array(text);
const message = z
  .looseObject({
    seq: count.min(1),
    messageId: id,
    role: z.enum(ROLES),
    content: text,
    metadata: json,
    createdAt: time,
    data: text.nullable().default(null),
    format: text.nullable().default(null),
    kind: z.enum(MESSAGE_KINDS).default('message'),
    toolCallIds: callIds.default([]),
    toolResultIds: callIds.default([]),
    status: z.enum(MESSAGE_STATUSES).default('complete'),
    version: count.min(1).default(1),
    updatedAt: time.optional(),
    usage: usage.nullable().default(null),
    tokenCount: count.optional(),
  })
  .transform((parsed) => ({
    ...parsed,
    updatedAt: parsed.updatedAt ?? parsed.createdAt,
    tokenCount: parsed.tokenCount ?? estimateTokens(parsed.content, parsed.data),
  }));
const agent = z.looseObject({
  agentId: id,
  name: text.nullable(),
  model: text.nullable(),
  settings: json,
});
const record = z.discriminatedUnion('type', [
  z.object({ type: z.literal(EXPORT_FORMAT), version: z.number(), exportedAt: z.string() }),
  z.object({ type: z.literal('agent'), agent }),
  z.object({ type: z.literal('session'), session }),
  z.object({ type: z.literal('message'), userId: id, sessionId: id, message }),
  z.object({ type: z.literal('end'), sessions: count, messages: count }),
]);

/** One line of an export, checked; the error names the line and field, never the content. */
export function parseRecord(line: string, lineNumber: number): ExportRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw ValidationError.field(`line ${lineNumber}`, 'is not JSON');
  }
  const result = record.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = [`line ${lineNumber}`, ...issue.path].join('.');
    throw ValidationError.field(field, issue.message);
  }
  const parsed = result.data as ExportRecord;
  if (parsed.type === EXPORT_FORMAT && parsed.version > EXPORT_VERSION) {
    throw ValidationError.field(
      `line ${lineNumber}`,
      `export version ${parsed.version} is newer than this convstore reads (${EXPORT_VERSION})`,
    );
  }
  return parsed;
}
