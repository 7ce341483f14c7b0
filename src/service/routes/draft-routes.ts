import type { FastifyInstance } from 'fastify';
import type { FinalStatus, MessageKind, Metadata, Role } from '../../contract/types.js';
import { callerId, type RouteContext } from '../http/route-context.js';
import { findMessage, followMessage } from './follow-message.js';
import { changesFromWire, messageJson, type WireNewMessage } from '../../wire/messages.js';

interface SessionParams {
  session_id: string;
}
interface DraftParams extends SessionParams {
  message_id: string;
}
interface BeginBody {
  message_id?: string;
  agent_id?: string;
  role?: Role;
  content?: string;
  data?: string | null;
  format?: string | null;
  kind?: MessageKind;
  metadata?: Metadata;
  lease?: string;
  lease_ms?: number;
}

/**
 * Streaming drafts: begin (the message takes its seq now, under a lease), checkpoint (only the
 * lease holder), finalize (complete, aborted or error), and follow a draft as Server-Sent Events
 * from any instance until it is final.
 */
export function registerDraftRoutes(app: FastifyInstance, { store, schemas }: RouteContext): void {
  const { errors } = schemas;
  const oneMessage = {
    type: 'object',
    properties: { message: schemas.message },
    required: ['message'],
  };

  app.post<{ Params: SessionParams; Body: BeginBody }>(
    '/v1/sessions/:session_id/drafts',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Begin a streaming assistant message; creates the session',
        description:
          'The draft gets its seq now (status streaming) and a lease: only its holder may ' +
          'checkpoint it. A draft whose lease runs out reads as aborted.',
        tags: ['drafts'],
        params: schemas.sessionParams,
        body: schemas.beginDraftBody,
        response: {
          201: {
            type: 'object',
            properties: { message: schemas.message, lease: { type: 'string' } },
            required: ['message', 'lease'],
          },
          ...errors(400, 401, 403, 409, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { message, lease } = await store.beginMessage({
        userId: callerId(request),
        sessionId: request.params.session_id,
        ...(body.message_id !== undefined && { messageId: body.message_id }),
        ...(body.agent_id !== undefined && { agentId: body.agent_id }),
        ...(body.role !== undefined && { role: body.role }),
        ...(body.content !== undefined && { content: body.content }),
        ...(body.data !== undefined && { data: body.data }),
        ...(body.format !== undefined && { format: body.format }),
        ...(body.kind !== undefined && { kind: body.kind }),
        ...(body.metadata !== undefined && { metadata: body.metadata }),
        ...(body.lease !== undefined && { lease: body.lease }),
        ...(body.lease_ms !== undefined && { leaseMs: body.lease_ms }),
      });
      return reply.code(201).send({ message: messageJson(message), lease });
    },
  );

  app.put<{ Params: DraftParams; Body: WireNewMessage & { lease: string } }>(
    '/v1/sessions/:session_id/drafts/:message_id',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Checkpoint a draft: replace what has streamed so far (the lease holder only)',
        tags: ['drafts'],
        params: schemas.draftParams,
        body: schemas.checkpointBody,
        response: { 200: oneMessage, ...errors(400, 401, 403, 404, 409, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const { lease, ...fields } = request.body;
      const changes = changesFromWire(fields);
      const message = await store.checkpointMessage({
        userId: callerId(request),
        sessionId: request.params.session_id,
        messageId: request.params.message_id,
        lease,
        ...(changes.content !== undefined && { content: changes.content }),
        ...(changes.data !== undefined && { data: changes.data }),
        ...(changes.toolCallIds !== undefined && { toolCallIds: changes.toolCallIds }),
        ...(changes.toolResultIds !== undefined && { toolResultIds: changes.toolResultIds }),
        ...(changes.tokenCount !== undefined && { tokenCount: changes.tokenCount }),
      });
      return { message: messageJson(message) };
    },
  );

  app.post<{
    Params: DraftParams;
    Body: WireNewMessage & { lease?: string; status: FinalStatus };
  }>(
    '/v1/sessions/:session_id/drafts/:message_id/finalize',
    {
      config: { access: 'user' },
      schema: {
        summary: 'End a draft as complete, aborted or error (again with the same status: no-op)',
        tags: ['drafts'],
        params: schemas.draftParams,
        body: schemas.finalizeBody,
        response: { 200: oneMessage, ...errors(400, 401, 403, 404, 409, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const { lease, status, ...fields } = request.body;
      const changes = changesFromWire(fields);
      const message = await store.finalizeMessage({
        userId: callerId(request),
        sessionId: request.params.session_id,
        messageId: request.params.message_id,
        status,
        ...(lease !== undefined && { lease }),
        ...(changes.content !== undefined && { content: changes.content }),
        ...(changes.data !== undefined && { data: changes.data }),
        ...(changes.usage !== undefined && { usage: changes.usage }),
        ...(changes.toolCallIds !== undefined && { toolCallIds: changes.toolCallIds }),
        ...(changes.toolResultIds !== undefined && { toolResultIds: changes.toolResultIds }),
        ...(changes.tokenCount !== undefined && { tokenCount: changes.tokenCount }),
        ...(changes.metadata !== undefined && { metadata: changes.metadata }),
      });
      return { message: messageJson(message) };
    },
  );

  app.get<{ Params: DraftParams }>(
    '/v1/sessions/:session_id/messages/:message_id/events',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Follow a message as Server-Sent Events until it is final',
        description:
          'Each change is an event `message` whose id is the message version and whose data ' +
          'is the message; the stream ends once its status is not streaming. Reconnect with ' +
          'Last-Event-ID to get only what changed since. Works from any service instance: a ' +
          'change made through any of them (or the library) wakes it at once (PostgreSQL ' +
          'NOTIFY, Redis pub/sub, in process on PGlite).',
        tags: ['drafts'],
        params: schemas.messageParams,
        response: {
          200: { description: 'text/event-stream of message events', type: 'string' },
          ...errors(401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const userId = callerId(request);
      const { session_id: sessionId, message_id: messageId } = request.params;
      const seen = Number(request.headers['last-event-id'] ?? 0) || 0;
      const first = await findMessage(store, userId, sessionId, messageId);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      let closed = false;
      raw.on('close', () => {
        closed = true;
      });
      await followMessage(store, { userId, sessionId, seq: first.seq }, first, seen, {
        send: (message) => {
          raw.write(
            `id: ${message.version}\nevent: message\ndata: ${JSON.stringify(messageJson(message))}\n\n`,
          );
        },
        alive: () => !closed,
      });
      raw.end();
    },
  );
}
