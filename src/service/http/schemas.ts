import { ID_PATTERN, MAX_TITLE_CHARS, type Limits } from '../../contract/limits.js';
import { ROLES } from '../../contract/types.js';

/**
 * JSON Schemas of every route: Fastify validates requests with them and @fastify/swagger turns
 * the same objects into /openapi.json and /docs. They check shape and types; the store's
 * validator then checks what JSON Schema cannot (UTF-8 sizes, NUL bytes, JSON depth).
 */
export function apiSchemas(limits: Limits) {
  const id = (description: string) => ({
    type: 'string',
    pattern: ID_PATTERN.source,
    description,
  });
  const json = (description: string) => ({
    type: 'object',
    additionalProperties: true,
    description,
  });
  const time = (description: string) => ({ type: 'string', format: 'date-time', description });
  const nullable = <T extends object>(schema: T) => ({ ...schema, nullable: true });

  const session = {
    type: 'object',
    properties: {
      session_id: id("the client's id of the session, unique per user"),
      user_id: id('the owner (the caller)'),
      agent_id: nullable(id('what the session talks to')),
      title: { type: 'string', nullable: true },
      metadata: json('free-form JSON object'),
      created_at: time('when the session was created'),
      updated_at: time('last write'),
      expires_at: nullable(time('sliding: every write moves it to now + CONVERSATION_TTL')),
      last_seq: { type: 'integer', description: 'highest seq handed out' },
      message_count: { type: 'integer', description: 'messages kept' },
    },
    required: ['session_id', 'user_id', 'created_at', 'updated_at', 'last_seq', 'message_count'],
  };
  const message = {
    type: 'object',
    properties: {
      seq: { type: 'integer', description: 'position in the session: 1, 2, 3...' },
      message_id: id('idempotency key'),
      role: { type: 'string', enum: [...ROLES] },
      content: { type: 'string' },
      metadata: json('model, token counts, tool calls, anything'),
      created_at: time('when it was stored'),
    },
    required: ['seq', 'message_id', 'role', 'content', 'metadata', 'created_at'],
  };
  const newMessageFields = {
    role: { type: 'string', enum: [...ROLES] },
    content: { type: 'string', description: `at most ${limits.maxContentBytes} UTF-8 bytes` },
    metadata: json(`at most ${limits.maxMetadataBytes} bytes as JSON`),
    message_id: id('idempotency key: a retry with the same id returns the stored message (200)'),
  };
  const agent = {
    type: 'object',
    properties: {
      agent_id: id('agent id'),
      name: { type: 'string', nullable: true },
      model: { type: 'string', nullable: true },
      settings: json('free-form JSON object'),
      created_at: time('created'),
      updated_at: time('last change'),
    },
    required: ['agent_id', 'settings', 'created_at', 'updated_at'],
  };
  const error = {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          issues: {
            type: 'array',
            items: {
              type: 'object',
              properties: { field: { type: 'string' }, problem: { type: 'string' } },
            },
          },
        },
        required: ['code', 'message'],
      },
    },
    required: ['error'],
  };
  const count = (max: number, description: string) => ({
    type: 'integer',
    minimum: 1,
    maximum: max,
    description,
  });
  const seq = (description: string) => ({ type: 'integer', minimum: 0, description });
  const sessionParams = {
    type: 'object',
    properties: { session_id: id('the session') },
    required: ['session_id'],
  };

  return {
    session,
    message,
    agent,
    error,
    sessionParams,
    createSessionBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        session_id: id('generated (UUIDv7, time-ordered) when omitted'),
        agent_id: nullable(id('what the session talks to')),
        title: { type: 'string', nullable: true, maxLength: MAX_TITLE_CHARS },
        metadata: json('free-form JSON object'),
      },
    },
    updateSessionBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        agent_id: nullable(id('what the session talks to')),
        title: { type: 'string', nullable: true, maxLength: MAX_TITLE_CHARS },
        metadata: json("replaces the session's metadata"),
      },
    },
    listSessionsQuery: {
      type: 'object',
      additionalProperties: false,
      properties: {
        limit: count(limits.maxPageSize, 'sessions per page (default 100)'),
        cursor: { type: 'string', maxLength: 512, description: 'next_cursor of the previous page' },
      },
    },
    appendBody: {
      type: 'object',
      additionalProperties: false,
      description: 'one message (role, content, ...) or several as { messages: [...] }',
      properties: {
        ...newMessageFields,
        agent_id: id('set on the session (created when missing)'),
        messages: {
          type: 'array',
          minItems: 1,
          maxItems: limits.maxMessagesPerAppend,
          items: {
            type: 'object',
            additionalProperties: false,
            properties: newMessageFields,
            required: ['role', 'content'],
          },
        },
      },
    },
    historyQuery: {
      type: 'object',
      additionalProperties: false,
      properties: {
        last: count(limits.maxPageSize, 'the newest N messages'),
        after_seq: seq('the oldest `limit` messages after this seq'),
        before_seq: seq('the newest `limit` messages before this seq'),
        limit: count(limits.maxPageSize, 'page size with a cursor (default 100)'),
      },
    },
    createUserBody: {
      type: 'object',
      additionalProperties: false,
      properties: { user_id: id('generated (UUIDv7) when omitted') },
    },
    userParams: {
      type: 'object',
      properties: { user_id: id('the user') },
      required: ['user_id'],
    },
    putAgentBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        agent_id: id('agent id'),
        name: { type: 'string', nullable: true, maxLength: 1024 },
        model: { type: 'string', nullable: true, maxLength: 1024 },
        settings: json('free-form JSON object'),
      },
      required: ['agent_id'],
    },
    cleanupBody: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      properties: { batch_size: count(100_000, 'sessions per transaction (default 500)') },
    },
  };
}

export type ApiSchemas = ReturnType<typeof apiSchemas>;
