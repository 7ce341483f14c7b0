import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../contract/errors.js';
import type { Metadata, NewMessage, Role } from '../../contract/types.js';
import { callerId, type RouteContext } from '../http/route-context.js';
import { messageJson, sessionJson } from '../http/to-json.js';

interface MessageBody {
  role?: Role;
  content?: string;
  metadata?: Metadata;
  message_id?: string;
}

interface AppendBody extends MessageBody {
  agent_id?: string;
  messages?: MessageBody[];
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
      });
    },
  );

  app.get<{
    Params: SessionParams;
    Querystring: { last?: number; after_seq?: number; before_seq?: number; limit?: number };
  }>(
    '/v1/sessions/:session_id/messages',
    {
      config: { access: 'user' },
      schema: {
        summary:
          'Messages in chronological order: ?last=N, ?after_seq=&limit= or ?before_seq=&limit=',
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
      const { last, after_seq, before_seq, limit } = request.query;
      const messages = await store.history({
        userId: callerId(request),
        sessionId: request.params.session_id,
        ...(last !== undefined && { last }),
        ...(after_seq !== undefined && { afterSeq: after_seq }),
        ...(before_seq !== undefined && { beforeSeq: before_seq }),
        ...(limit !== undefined && { limit }),
      });
      return { messages: messages.map(messageJson) };
    },
  );
}

/** The body's one message, or its `messages`; never both. */
function messagesOf(body: AppendBody): NewMessage[] {
  if (body.messages !== undefined) {
    const stray = (['role', 'content', 'metadata', 'message_id'] as const).find(
      (key) => body[key] !== undefined,
    );
    if (stray) throw ValidationError.field(stray, 'cannot be combined with messages');
    return body.messages.map(toNewMessage);
  }
  if (body.role === undefined) throw ValidationError.field('role', 'is required');
  if (body.content === undefined) throw ValidationError.field('content', 'is required');
  return [toNewMessage(body)];
}

function toNewMessage(message: MessageBody): NewMessage {
  return {
    role: message.role as Role,
    content: message.content as string,
    ...(message.metadata !== undefined && { metadata: message.metadata }),
    ...(message.message_id !== undefined && { messageId: message.message_id }),
  };
}

/** For a body that was one message, `messages.0.content` is the body's `content`. */
function asSingleMessage(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  return new ValidationError(
    error.issues.map((issue) => ({ ...issue, field: issue.field.replace(/^messages\.0\./, '') })),
  );
}
