import { z } from 'zod';
import { findJsonProblem, findTextProblem, isPlainObject } from './json-check.js';
import {
  FORMAT_PATTERN,
  ID_PATTERN,
  ID_RULE,
  MAX_CALL_IDS,
  MAX_CALL_ID_CHARS,
  MAX_LEASE_MS,
  MAX_TITLE_CHARS,
  type Limits,
} from './limits.js';
import {
  FINAL_STATUSES,
  HISTORY_ALIGNS,
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  ROLES,
  type Metadata,
} from './types.js';

/** The zod schemas of every store call, built once per set of limits. */
export function buildSchemas(limits: Limits) {
  const id = () => z.string(typeError('must be a string')).regex(ID_PATTERN, `must be ${ID_RULE}`);
  const text = (maxBytes: number) =>
    z.string(typeError('must be a string')).superRefine((value, ctx) => {
      const problem = findTextProblem(value, 'text');
      if (problem) ctx.addIssue({ code: 'custom', message: problem.replace('text: ', '') });
      else if (Buffer.byteLength(value, 'utf8') > maxBytes) {
        ctx.addIssue({ code: 'custom', message: `is over the limit of ${maxBytes} bytes` });
      }
    });
  const jsonObject = (maxBytes: number) =>
    z.custom<Metadata>().superRefine((value, ctx) => {
      if (!isPlainObject(value)) {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return;
      }
      const problem = findJsonProblem(value, '');
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem.replace(/^:?\s*/, '') });
        return;
      }
      if (Buffer.byteLength(JSON.stringify(value), 'utf8') > maxBytes) {
        ctx.addIssue({ code: 'custom', message: `is over the limit of ${maxBytes} bytes` });
      }
    });
  const metadata = jsonObject(limits.maxMetadataBytes);
  // The framework's message as JSON text: kept byte for byte, so it is checked, never rewritten.
  const data = text(limits.maxDataBytes).superRefine((value, ctx) => {
    try {
      JSON.parse(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON text' });
    }
  });
  const count = (max: number) =>
    z
      .number(typeError('must be a number'))
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(max, `must be at most ${max}`);
  const amount = (max: number) =>
    z
      .number(typeError('must be a number'))
      .int('must be an integer')
      .min(0, 'must not be negative')
      .max(max, `must be at most ${max}`);
  const seq = amount(Number.MAX_SAFE_INTEGER);
  const title = text(MAX_TITLE_CHARS * 4).refine((value) => [...value].length <= MAX_TITLE_CHARS, {
    message: `must be at most ${MAX_TITLE_CHARS} characters`,
  });
  const callIds = z
    .array(
      text(MAX_CALL_ID_CHARS * 4).refine(
        (value) => value.length >= 1 && value.length <= MAX_CALL_ID_CHARS,
        { message: `must be 1-${MAX_CALL_ID_CHARS} characters` },
      ),
      typeError('must be an array of call ids'),
    )
    .max(MAX_CALL_IDS, `must hold at most ${MAX_CALL_IDS} ids`);
  const label = text(1024);
  const usage = z.strictObject({
    model: label.optional(),
    provider: label.optional(),
    inputTokens: amount(1e12).optional(),
    outputTokens: amount(1e12).optional(),
    totalTokens: amount(1e12).optional(),
    reasoningTokens: amount(1e12).optional(),
    cachedInputTokens: amount(1e12).optional(),
    latencyMs: amount(1e12).optional(),
    finishReason: label.optional(),
  });
  const format = z
    .string(typeError('must be a string'))
    .regex(FORMAT_PATTERN, 'must be 1-64 characters from A-Z a-z 0-9 . _ / : @ -');
  const role = z.enum(ROLES, typeError(`must be one of ${ROLES.join(', ')}`));
  const kind = z.enum(MESSAGE_KINDS, typeError(`must be one of ${MESSAGE_KINDS.join(', ')}`));
  const status = z.enum(
    MESSAGE_STATUSES,
    typeError(`must be one of ${MESSAGE_STATUSES.join(', ')}`),
  );
  const finalStatus = z.enum(
    FINAL_STATUSES,
    typeError(`must be one of ${FINAL_STATUSES.join(', ')}`),
  );
  const tokenCount = amount(1e9);
  const content = text(limits.maxContentBytes);

  const newMessage = z.strictObject({
    role,
    content: content.optional(),
    metadata: metadata.optional(),
    messageId: id().optional(),
    data: data.nullable().optional(),
    format: format.nullable().optional(),
    kind: kind.optional(),
    toolCallIds: callIds.optional(),
    toolResultIds: callIds.optional(),
    status: status.optional(),
    usage: usage.nullable().optional(),
    tokenCount: tokenCount.optional(),
  });
  const messages = z
    .array(newMessage, typeError('must be an array of messages'))
    .min(1, 'must hold at least one message')
    .max(limits.maxMessagesPerAppend, `must hold at most ${limits.maxMessagesPerAppend} messages`);
  const sessionKey = { userId: id(), sessionId: id() };

  return {
    append: z.strictObject({ ...sessionKey, agentId: id().optional(), messages }),
    history: z.strictObject({
      ...sessionKey,
      last: count(limits.maxPageSize).optional(),
      limit: count(limits.maxPageSize).optional(),
      afterSeq: seq.optional(),
      beforeSeq: seq.optional(),
      align: z
        .enum(HISTORY_ALIGNS, typeError(`must be one of ${HISTORY_ALIGNS.join(', ')}`))
        .optional(),
      tokenBudget: count(1e9).optional(),
      pinSystem: z.boolean(typeError('must be a boolean')).optional(),
      statuses: z
        .array(status, typeError('must be an array of statuses'))
        .min(1, 'must name at least one status')
        .max(MESSAGE_STATUSES.length, 'names a status twice')
        .optional(),
    }),
    sessionKey: z.strictObject(sessionKey),
    userKey: z.strictObject({ userId: id() }),
    createSession: z.strictObject({
      userId: id(),
      sessionId: id().optional(),
      agentId: id().nullable().optional(),
      title: title.nullable().optional(),
      metadata: metadata.optional(),
    }),
    updateSession: z.strictObject({
      ...sessionKey,
      agentId: id().nullable().optional(),
      title: title.nullable().optional(),
      metadata: metadata.optional(),
    }),
    listSessions: z.strictObject({
      userId: id(),
      limit: count(limits.maxPageSize).optional(),
      cursor: z.string(typeError('must be a string')).max(512, 'is malformed').optional(),
    }),
    putAgent: z.strictObject({
      agentId: id(),
      name: text(1024).nullable().optional(),
      model: text(1024).nullable().optional(),
      settings: metadata.optional(),
    }),
    cleanup: z.strictObject({ batchSize: count(100_000).optional() }),
    updateMessage: z.strictObject({
      ...sessionKey,
      messageId: id(),
      expectedVersion: count(Number.MAX_SAFE_INTEGER).optional(),
      content: content.optional(),
      data: data.nullable().optional(),
      format: format.nullable().optional(),
      kind: kind.optional(),
      toolCallIds: callIds.optional(),
      toolResultIds: callIds.optional(),
      status: status.optional(),
      usage: usage.nullable().optional(),
      metadata: metadata.optional(),
      tokenCount: tokenCount.optional(),
    }),
    truncate: z.union([
      z.strictObject({ ...sessionKey, afterSeq: seq }),
      z.strictObject({
        ...sessionKey,
        afterMessageId: id(),
        inclusive: z.boolean(typeError('must be a boolean')).optional(),
      }),
    ]),
    deleteMessages: z.strictObject({
      ...sessionKey,
      messageIds: z
        .array(id(), typeError('must be an array of message ids'))
        .min(1, 'must name at least one message')
        .max(limits.maxPageSize, `must name at most ${limits.maxPageSize} messages`),
    }),
    transact: z.strictObject({
      ...sessionKey,
      operationId: id(),
      agentId: id().optional(),
      append: messages.optional(),
      replaceSuffix: z
        .strictObject({
          expected: z
            .array(id(), typeError('must be an array of message ids'))
            .max(limits.maxPageSize, `must name at most ${limits.maxPageSize} messages`),
          replacement: z
            .array(newMessage, typeError('must be an array of messages'))
            .max(
              limits.maxMessagesPerAppend,
              `must hold at most ${limits.maxMessagesPerAppend} messages`,
            ),
        })
        .optional(),
    }),
    beginMessage: z.strictObject({
      ...sessionKey,
      messageId: id().optional(),
      agentId: id().optional(),
      role: role.optional(),
      content: content.optional(),
      data: data.nullable().optional(),
      format: format.nullable().optional(),
      kind: kind.optional(),
      metadata: metadata.optional(),
      toolCallIds: callIds.optional(),
      toolResultIds: callIds.optional(),
      lease: text(128)
        .refine((value) => value.length > 0, { message: 'must not be empty' })
        .optional(),
      leaseMs: count(MAX_LEASE_MS).optional(),
    }),
    checkpointMessage: z.strictObject({
      ...sessionKey,
      messageId: id(),
      lease: text(128).refine((value) => value.length > 0, { message: 'must not be empty' }),
      content: content.optional(),
      data: data.nullable().optional(),
      toolCallIds: callIds.optional(),
      toolResultIds: callIds.optional(),
      tokenCount: tokenCount.optional(),
    }),
    finalizeMessage: z.strictObject({
      ...sessionKey,
      messageId: id(),
      lease: text(128).optional(),
      status: finalStatus,
      content: content.optional(),
      data: data.nullable().optional(),
      usage: usage.nullable().optional(),
      toolCallIds: callIds.optional(),
      toolResultIds: callIds.optional(),
      tokenCount: tokenCount.optional(),
      metadata: metadata.optional(),
    }),
  };
}

export type InputSchemas = ReturnType<typeof buildSchemas>;

/** Zod's error option: a missing field says so instead of naming the type it expected. */
function typeError(problem: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : problem),
  };
}
