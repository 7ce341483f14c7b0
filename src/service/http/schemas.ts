import { ID_PATTERN, MAX_TITLE_CHARS, type Limits } from '../../contract/limits.js';
import { ROLES } from '../../contract/types.js';

/**
 * JSON Schemas of every route: Fastify validates requests with them and @fastify/swagger turns
 * the same objects into /openapi.json and /docs. They check shape and types; the store's
 * validator then checks what JSON Schema cannot (UTF-8 sizes, NUL bytes, JSON depth).
 *
 * The shapes every answer shares (Session, Message, Agent, Error) are registered once under
 * their `$id` (see `shared`) and referenced, so /openapi.json names them as components. Every
 * request body and parameter carries an example that works as it stands against a fresh service
 * in the order of the README's walk-through; test/service/openapi-examples.test.ts sends them.
 */
export function apiSchemas(limits: Limits) {
  const id = (description: string, example?: string) => ({
    type: 'string',
    pattern: ID_PATTERN.source,
    description,
    ...(example !== undefined && { examples: [example] }),
  });
  const json = (description: string) => ({
    type: 'object',
    additionalProperties: true,
    description,
  });
  const time = (description: string) => ({ type: 'string', format: 'date-time', description });
  const nullable = <T extends object>(schema: T) => ({ ...schema, nullable: true });
  const ref = (name: SharedName) => ({ $ref: `${name}#` });

  const session = {
    $id: 'Session',
    type: 'object',
    description: 'A conversation of one user: its fields and where its messages stand.',
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
    $id: 'Message',
    type: 'object',
    description: 'One stored message; seq orders the session.',
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
  const agent = {
    $id: 'Agent',
    type: 'object',
    description: 'An agent of the shared catalogue.',
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
    $id: 'Error',
    type: 'object',
    description: 'Every error answer; `code` is stable, `message` names fields and rules only.',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          issues: {
            type: 'array',
            description: 'invalid_input only: each field refused and why',
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
  const count = (max: number, description: string, example?: number) => ({
    type: 'integer',
    minimum: 1,
    maximum: max,
    description,
    ...(example !== undefined && { examples: [example] }),
  });
  const seq = (description: string) => ({ type: 'integer', minimum: 0, description });
  const newMessageFields = {
    role: { type: 'string', enum: [...ROLES] },
    content: { type: 'string', description: `at most ${limits.maxContentBytes} UTF-8 bytes` },
    metadata: json(`at most ${limits.maxMetadataBytes} bytes as JSON`),
    message_id: id('idempotency key: a retry with the same id returns the stored message (200)'),
  };
  const appendAgent = id('set on the session (created when missing)');

  return {
    /** Registered with app.addSchema: answers reference them, /openapi.json lists them. */
    shared: [session, message, agent, error],
    session: ref('Session'),
    message: ref('Message'),
    agent: ref('Agent'),
    /** The error answers a route can give, each with the Error schema. */
    errors: (...statuses: ErrorStatus[]) =>
      Object.fromEntries(statuses.map((status) => [status, errorAnswer(ERROR_WHEN[status])])),
    /** One error answer described for its route (409 conflict or busy, 503 of /readyz). */
    errorAnswer,
    sessionParams: {
      type: 'object',
      properties: { session_id: id('the session', 'trip-to-lisbon') },
      required: ['session_id'],
    },
    createSessionBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        session_id: id('generated (UUIDv7, time-ordered) when omitted'),
        agent_id: nullable(id('what the session talks to')),
        title: { type: 'string', nullable: true, maxLength: MAX_TITLE_CHARS },
        metadata: json('free-form JSON object'),
      },
      examples: [
        {
          session_id: 'trip-to-lisbon',
          agent_id: 'travel-guide',
          title: 'Lisbon',
          metadata: { lang: 'en' },
        },
      ],
    },
    updateSessionBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        agent_id: nullable(id('what the session talks to')),
        title: { type: 'string', nullable: true, maxLength: MAX_TITLE_CHARS },
        metadata: json("replaces the session's metadata"),
      },
      examples: [{ title: 'Lisbon in May', metadata: { lang: 'en', pinned: true } }],
    },
    listSessionsQuery: {
      type: 'object',
      additionalProperties: false,
      properties: {
        limit: count(limits.maxPageSize, 'sessions per page (default 100)', 20),
        cursor: { type: 'string', maxLength: 512, description: 'next_cursor of the previous page' },
      },
    },
    appendBody: {
      description: 'one message (role, content, ...) or several as { messages: [...] }',
      oneOf: [
        {
          type: 'object',
          title: 'one message',
          additionalProperties: false,
          properties: { ...newMessageFields, agent_id: appendAgent },
          required: ['role', 'content'],
        },
        {
          type: 'object',
          title: 'several messages',
          additionalProperties: false,
          properties: {
            agent_id: appendAgent,
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
          required: ['messages'],
        },
      ],
      'x-examples': {
        one: {
          summary: 'one message',
          value: {
            role: 'user',
            content: 'Where should I eat tonight?',
            message_id: 'client-msg-1',
          },
        },
        several: {
          summary: 'several messages at once',
          value: {
            messages: [
              { role: 'assistant', content: 'Try Alfama.', metadata: { model: 'gpt-x' } },
              { role: 'user', content: 'Thanks!' },
            ],
          },
        },
      },
    },
    historyQuery: {
      type: 'object',
      additionalProperties: false,
      properties: {
        last: count(limits.maxPageSize, 'the newest N messages', 20),
        after_seq: seq('the oldest `limit` messages after this seq'),
        before_seq: seq('the newest `limit` messages before this seq'),
        limit: count(limits.maxPageSize, 'page size with a cursor (default 100)'),
      },
    },
    createUserBody: {
      type: 'object',
      additionalProperties: false,
      properties: { user_id: id('generated (UUIDv7) when omitted') },
      examples: [{ user_id: 'alice' }],
    },
    userParams: {
      type: 'object',
      properties: { user_id: id('the user', 'alice') },
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
      examples: [
        {
          agent_id: 'travel-guide',
          name: 'Travel guide',
          model: 'gpt-x',
          settings: { temperature: 0.3 },
        },
      ],
    },
    cleanupBody: {
      type: 'object',
      additionalProperties: false,
      properties: { batch_size: count(100_000, 'sessions per transaction (default 500)') },
      examples: [{ batch_size: 500 }],
    },
  };
}

type SharedName = 'Session' | 'Message' | 'Agent' | 'Error';

function errorAnswer(description: string) {
  return { description, $ref: 'Error#' };
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 501 | 503;

const ERROR_WHEN: Record<ErrorStatus, string> = {
  400: 'invalid_input: bad JSON or UTF-8, unknown field, wrong type, over a limit',
  401: 'unauthorized: no, malformed, unknown or expired credentials',
  403: 'forbidden: the wrong kind of credentials (a user key, or the admin token)',
  404: "not_found: no such session (or another user's)",
  409: 'conflict',
  413: 'payload_too_large: body over BODY_LIMIT_BYTES',
  415: 'unsupported_media_type: a body that is not application/json',
  429: 'rate_limited: over RATE_LIMIT_MAX (Retry-After says when to retry)',
  501: 'unsupported: this store cannot answer this (the redis store cannot search)',
  503: 'unavailable: the store does not answer (or schema_mismatch: not migrated)',
};

export type ApiSchemas = ReturnType<typeof apiSchemas>;
