import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../contract/errors.js';
import type { HistoryAlign, MessageStatus, NewMessage } from '../../contract/types.js';
import { callerId, type RouteContext } from '../http/route-context.js';
import { sessionJson } from '../http/to-json.js';
import { messageJson, newMessageFromWire, type WireNewMessage } from '../../wire/messages.js';

interface AppendBody extends WireNewMessage {
  agent_id?: string;
  messages?: WireNewMessage[];
}

interface SessionParams {
  session_id: string;
}

/** POST and GET /v1/sessions/:session_id/messages. */
export function registerMessageRoutes(
  app: FastifyInstance,
  { store, schemas }: RouteContext,
): void {
  const { errors } = schemas;
  const appended = {
    type: 'object',
    properties: {
      session: schemas.session,
      messages: { type: 'array', items: schemas.message },
      inserted: { type: 'integer', description: 'how many this call stored (0: a pure retry)' },
    },
    required: ['session', 'messages'],
  };

  app.post<{ Params: SessionParams; Body: AppendBody }>(
    '/v1/sessions/:session_id/messages',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Append one message, or several as { messages: [...] }; creates the session',
        description:
          '201 with the stored messages. When every message_id given was already stored (a ' +
          'retry), 200 with the stored originals, and nothing is written.',
        tags: ['messages'],
        params: schemas.sessionParams,
        body: schemas.appendBody,
        response: {
          200: { ...appended, description: 'a pure retry: every message_id was stored already' },
          201: { ...appended, description: 'stored' },
          ...errors(400, 401, 403, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await store
        .append({
          userId: callerId(request),
          sessionId: request.params.session_id,
          ...(body.agent_id !== undefined && { agentId: body.agent_id }),
          messages: messagesOf(body),
        })
        .catch((error: unknown) => {
          throw body.messages === undefined ? asSingleMessage(error) : error;
        });
      return reply.code(result.inserted > 0 ? 201 : 200).send({
        session: sessionJson(result.session),
        messages: result.messages.map(messageJson),
        inserted: result.inserted,
      });
    },
  );

  app.get<{
    Params: SessionParams;
    Querystring: {
      last?: number;
      after_seq?: number;
      before_seq?: number;
      limit?: number;
      align?: HistoryAlign;
      token_budget?: number;
      pin_system?: boolean;
      statuses?: string;
    };
  }>(
    '/v1/sessions/:session_id/messages',
    {
      config: { access: 'user' },
      schema: {
        summary:
          'Messages in chronological order: ?last=N, ?after_seq=&limit= or ?before_seq=&limit=; ' +
          'windows with ?align=tool-pairs|turn, ?token_budget=, ?pin_system=, ?statuses=',
        tags: ['messages'],
        params: schemas.sessionParams,
        querystring: schemas.historyQuery,
        response: {
          200: {
            type: 'object',
            properties: { messages: { type: 'array', items: schemas.message } },
            required: ['messages'],
          },
          ...errors(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request) => {
      const { last, after_seq, before_seq, limit, align, token_budget, pin_system } = request.query;
      const statuses = request.query.statuses?.split(',') as MessageStatus[] | undefined;
      const messages = await store.history({
        userId: callerId(request),
        sessionId: request.params.session_id,
        ...(last !== undefined && { last }),
        ...(after_seq !== undefined && { afterSeq: after_seq }),
        ...(before_seq !== undefined && { beforeSeq: before_seq }),
        ...(limit !== undefined && { limit }),
        ...(align !== undefined && { align }),
        ...(token_budget !== undefined && { tokenBudget: token_budget }),
        ...(pin_system !== undefined && { pinSystem: pin_system }),
        ...(statuses !== undefined && { statuses }),
      });
      return { messages: messages.map(messageJson) };
    },
  );
}

/** The body's one message, or its `messages`; never both. */
function messagesOf(body: AppendBody): NewMessage[] {
  if (body.messages !== undefined) {
    const stray = (['role', 'content', 'metadata', 'message_id', 'data'] as const).find(
      (key) => body[key] !== undefined,
    );
    if (stray) throw ValidationError.field(stray, 'cannot be combined with messages');
    return body.messages.map(newMessageFromWire);
  }
  if (body.role === undefined) throw ValidationError.field('role', 'is required');
  const { agent_id: _agent, messages: _messages, ...message } = body;
  return [newMessageFromWire(message)];
}

/** For a body that was one message, `messages.0.content` is the body's `content`. */
function asSingleMessage(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  return new ValidationError(
    error.issues.map((issue) => ({ ...issue, field: issue.field.replace(/^messages\.0\./, '') })),
  );
}
