import type { FastifyInstance } from 'fastify';
import type { Metadata } from '../../contract/types.js';
import { notFound } from '../http/http-error.js';
import { callerId, type RouteContext } from '../http/route-context.js';
import { sessionJson } from '../http/to-json.js';

interface SessionParams {
  session_id: string;
}

/** POST/GET /v1/sessions and GET/PATCH/DELETE /v1/sessions/:session_id. */
export function registerSessionRoutes(
  app: FastifyInstance,
  { store, schemas }: RouteContext,
): void {
  const sessionReply = {
    type: 'object',
    properties: { session: schemas.session },
    required: ['session'],
  };
  const { errors } = schemas;

  app.post<{
    Body: {
      session_id?: string;
      agent_id?: string | null;
      title?: string | null;
      metadata?: Metadata;
    };
  }>(
    '/v1/sessions',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Create a session (409 when this user already has that session_id)',
        tags: ['sessions'],
        body: schemas.createSessionBody,
        response: {
          201: sessionReply,
          ...errors(400, 401, 403, 413, 415, 429, 503),
          409: schemas.errorAnswer('conflict: this user already has a session with that id'),
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const session = await store.createSession({
        userId: callerId(request),
        ...(body.session_id !== undefined && { sessionId: body.session_id }),
        ...(body.agent_id !== undefined && { agentId: body.agent_id }),
        ...(body.title !== undefined && { title: body.title }),
        ...(body.metadata !== undefined && { metadata: body.metadata }),
      });
      return reply.code(201).send({ session: sessionJson(session) });
    },
  );

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/v1/sessions',
    {
      config: { access: 'user' },
      schema: {
        summary: "The caller's sessions, most recently active first",
        tags: ['sessions'],
        querystring: schemas.listSessionsQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              sessions: { type: 'array', items: schemas.session },
              next_cursor: { type: 'string', nullable: true },
            },
            required: ['sessions', 'next_cursor'],
          },
          ...errors(400, 401, 403, 429, 503),
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await store.listSessions({
        userId: callerId(request),
        ...(limit !== undefined && { limit }),
        ...(cursor !== undefined && { cursor }),
      });
      return { sessions: page.sessions.map(sessionJson), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: SessionParams }>(
    '/v1/sessions/:session_id',
    {
      config: { access: 'user' },
      schema: {
        summary: 'One session',
        tags: ['sessions'],
        params: schemas.sessionParams,
        response: { 200: sessionReply, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const session = await store.getSession({
        userId: callerId(request),
        sessionId: request.params.session_id,
      });
      if (!session) throw notFound('session not found');
      return { session: sessionJson(session) };
    },
  );

  app.patch<{
    Params: SessionParams;
    Body: { agent_id?: string | null; title?: string | null; metadata?: Metadata };
  }>(
    '/v1/sessions/:session_id',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Change title, metadata (replaced) or agent; only the fields given change',
        tags: ['sessions'],
        params: schemas.sessionParams,
        body: schemas.updateSessionBody,
        response: { 200: sessionReply, ...errors(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const session = await store.updateSession({
        userId: callerId(request),
        sessionId: request.params.session_id,
        ...(body.agent_id !== undefined && { agentId: body.agent_id }),
        ...(body.title !== undefined && { title: body.title }),
        ...(body.metadata !== undefined && { metadata: body.metadata }),
      });
      return { session: sessionJson(session) };
    },
  );

  app.delete<{ Params: SessionParams }>(
    '/v1/sessions/:session_id',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Delete a session and its messages',
        tags: ['sessions'],
        params: schemas.sessionParams,
        response: {
          204: { type: 'null', description: 'deleted' },
          ...errors(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const deleted = await store.deleteSession({
        userId: callerId(request),
        sessionId: request.params.session_id,
      });
      if (!deleted) throw notFound('session not found');
      return reply.code(204).send();
    },
  );
}
