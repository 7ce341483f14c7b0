import { ID_PATTERN, MAX_TITLE_CHARS, type Limits } from '../../contract/limits.js';
import {
  FINAL_STATUSES,
  HISTORY_ALIGNS,
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  ROLES,
} from '../../contract/types.js';

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
  const usageSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      model: { type: 'string' },
      provider: { type: 'string' },
      input_tokens: { type: 'integer', minimum: 0 },
      output_tokens: { type: 'integer', minimum: 0 },
      total_tokens: { type: 'integer', minimum: 0 },
      reasoning_tokens: { type: 'integer', minimum: 0 },
      cached_input_tokens: { type: 'integer', minimum: 0 },
      latency_ms: { type: 'integer', minimum: 0 },
      finish_reason: { type: 'string' },
    },
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
      data: nullable({
        type: 'string',
        description: "the framework's message as JSON text, byte for byte",
      }),
      format: nullable({ type: 'string', description: "data's shape, e.g. ai-sdk/ui-message" }),
      kind: { type: 'string', enum: [...MESSAGE_KINDS] },
      tool_call_ids: { type: 'array', items: { type: 'string' }, description: 'calls it opens' },
      tool_result_ids: {
        type: 'array',
        items: { type: 'string' },
        description: 'calls it answers',
      },
      status: { type: 'string', enum: [...MESSAGE_STATUSES] },
      version: { type: 'integer', description: '1 when stored, +1 on every change' },
      updated_at: time('last change'),
      usage: nullable({ ...usageSchema, description: 'usage of the model call, when given' }),
      token_count: { type: 'integer', description: 'its own tokens (given or estimated)' },
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
  /** What a message carries beyond role, content, metadata and id (all optional). */
  const messageFields = {
    data: nullable({
      type: 'string',
      description: `the framework's JSON text, stored byte for byte (at most ${limits.maxDataBytes} bytes)`,
    }),
    format: nullable({ type: 'string', description: 'e.g. ai-sdk/ui-message' }),
    kind: { type: 'string', enum: [...MESSAGE_KINDS] },
    tool_call_ids: { type: 'array', items: { type: 'string' } },
    tool_result_ids: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: [...MESSAGE_STATUSES] },
    usage: nullable(usageSchema),
    token_count: { type: 'integer', minimum: 0 },
  };
  const newMessageFields = {
    role: { type: 'string', enum: [...ROLES] },
    content: { type: 'string', description: `at most ${limits.maxContentBytes} UTF-8 bytes` },
    metadata: json(`at most ${limits.maxMetadataBytes} bytes as JSON`),
    message_id: id('idempotency key: a retry with the same id returns the stored message (200)'),
    ...messageFields,
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
      // The several-messages form first: a body naming both forms is judged as that one, so
      // its stray fields are what the error names.
      oneOf: [
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
                required: ['role'],
              },
            },
          },
          required: ['messages'],
        },
        {
          type: 'object',
          title: 'one message',
          additionalProperties: false,
          properties: { ...newMessageFields, agent_id: appendAgent },
          required: ['role'],
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
        align: {
          type: 'string',
          enum: [...HISTORY_ALIGNS],
          description:
            'tool-pairs: never begin with a result whose call is cut off; turn: at a user message',
        },
        token_budget: count(1e9, 'the newest messages whose token counts fit, cut pair-aligned'),
        pin_system: { type: 'boolean', description: "also the session's leading system messages" },
        statuses: {
          type: 'string',
          pattern: `^(${MESSAGE_STATUSES.join('|')})(,(${MESSAGE_STATUSES.join('|')}))*$`,
          description: 'only these statuses, comma-separated (e.g. complete)',
        },
      },
    },
    messageParams: {
      type: 'object',
      properties: {
        session_id: id('the session', 'trip-to-lisbon'),
        message_id: id('the message', 'client-msg-1'),
      },
      required: ['session_id', 'message_id'],
    },
    draftParams: {
      type: 'object',
      properties: {
        session_id: id('the session', 'trip-to-lisbon'),
        message_id: id('the draft', 'draft-1'),
      },
      required: ['session_id', 'message_id'],
    },
    updateMessageBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        expected_version: count(
          Number.MAX_SAFE_INTEGER,
          'refused (409 version_conflict) unless the stored version is this',
        ),
        content: { type: 'string' },
        metadata: json('replaces the metadata'),
        ...messageFields,
      },
      examples: [{ content: 'Where should I eat tonight, near Alfama?', expected_version: 1 }],
    },
    truncateBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        after_seq: seq('delete every message with a higher seq'),
        after_message_id: id('delete every message after this one'),
        inclusive: { type: 'boolean', description: 'with after_message_id: that message too' },
      },
      examples: [{ after_seq: 3 }],
    },
    deleteMessagesBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        message_ids: {
          type: 'array',
          minItems: 1,
          maxItems: limits.maxPageSize,
          items: id('a message'),
        },
      },
      required: ['message_ids'],
      examples: [{ message_ids: ['client-msg-1'] }],
    },
    transactBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        operation_id: id('idempotency key of the operation'),
        agent_id: appendAgent,
        append: {
          type: 'array',
          maxItems: limits.maxMessagesPerAppend,
          items: {
            type: 'object',
            additionalProperties: false,
            properties: newMessageFields,
            required: ['role'],
          },
        },
        replace_suffix: {
          type: 'object',
          additionalProperties: false,
          properties: {
            expected: {
              type: 'array',
              items: id('a message'),
              description: "the session's newest message ids, oldest first",
            },
            replacement: {
              type: 'array',
              maxItems: limits.maxMessagesPerAppend,
              items: {
                type: 'object',
                additionalProperties: false,
                properties: newMessageFields,
                required: ['role'],
              },
            },
          },
          required: ['expected', 'replacement'],
        },
      },
      required: ['operation_id'],
      examples: [
        {
          operation_id: 'op-1',
          append: [{ role: 'user', content: 'And for dessert?', message_id: 'client-msg-3' }],
        },
      ],
    },
    beginDraftBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        message_id: id('generated (UUIDv7) when omitted'),
        agent_id: appendAgent,
        role: { type: 'string', enum: [...ROLES], description: 'default assistant' },
        content: { type: 'string' },
        data: messageFields.data,
        format: messageFields.format,
        kind: messageFields.kind,
        metadata: json('free-form JSON object'),
        lease: {
          type: 'string',
          minLength: 1,
          maxLength: 128,
          description: 'your own lease token (generated when omitted)',
        },
        lease_ms: count(
          3_600_000,
          'how long the draft stays leased without a checkpoint (default 60000)',
        ),
      },
      examples: [{ message_id: 'draft-1', lease: 'lease-1' }],
    },
    checkpointBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        lease: { type: 'string', minLength: 1, maxLength: 128 },
        content: { type: 'string' },
        data: messageFields.data,
        tool_call_ids: messageFields.tool_call_ids,
        tool_result_ids: messageFields.tool_result_ids,
        token_count: messageFields.token_count,
      },
      required: ['lease'],
      examples: [{ lease: 'lease-1', content: 'Try the' }],
    },
    finalizeBody: {
      type: 'object',
      additionalProperties: false,
      properties: {
        lease: { type: 'string', minLength: 1, maxLength: 128 },
        status: { type: 'string', enum: [...FINAL_STATUSES] },
        content: { type: 'string' },
        data: messageFields.data,
        usage: messageFields.usage,
        tool_call_ids: messageFields.tool_call_ids,
        tool_result_ids: messageFields.tool_result_ids,
        token_count: messageFields.token_count,
        metadata: json('replaces the metadata'),
      },
      required: ['status'],
      examples: [{ lease: 'lease-1', status: 'complete', content: 'Try the tasca on the corner.' }],
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

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

const ERROR_WHEN: Record<ErrorStatus, string> = {
  400: 'invalid_input: bad JSON or UTF-8, unknown field, wrong type, over a limit',
  401: 'unauthorized: no, malformed, unknown or expired credentials',
  403: 'forbidden: the wrong kind of credentials (a user key, or the admin token)',
  404: "not_found: no such session (or another user's)",
  409: 'conflict',
  413: 'payload_too_large: body over BODY_LIMIT_BYTES',
  415: 'unsupported_media_type: a body that is not application/json',
  429: 'rate_limited: over RATE_LIMIT_MAX (Retry-After says when to retry)',
  503: 'unavailable: the store does not answer (or schema_mismatch: not migrated)',
};

export type ApiSchemas = ReturnType<typeof apiSchemas>;
