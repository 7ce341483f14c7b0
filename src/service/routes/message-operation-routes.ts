import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../contract/errors.js';
import type { NewMessage, TruncateInput } from '../../contract/types.js';
import { callerId, type RouteContext } from '../http/route-context.js';
import {
  changesFromWire,
  messageJson,
  newMessageFromWire,
  type WireNewMessage,
} from '../../wire/messages.js';

interface SessionParams {
  session_id: string;
}
interface MessageParams extends SessionParams {
  message_id: string;
}

/**
 * The operations on stored messages beyond append: update one (optimistic version), truncate
 * after a point, pop the newest, clear, delete by id, and idempotent transactions.
 */
export function registerMessageOperationRoutes(
  app: FastifyInstance,
  { store, schemas }: RouteContext,
): void {
  const { errors } = schemas;
  const key = (request: { params: SessionParams }, caller: string) => ({
    userId: caller,
    sessionId: request.params.session_id,
  });
  const deleted = {
    type: 'object',
    properties: { deleted: { type: 'integer' } },
    required: ['deleted'],
  };
  const oneMessage = {
    type: 'object',
    properties: { message: schemas.message },
    required: ['message'],
  };

  app.patch<{ Params: MessageParams; Body: WireNewMessage & { expected_version?: number } }>(
    '/v1/sessions/:session_id/messages/:message_id',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Change one message (only the fields given); version + 1',
        description:
          'With expected_version, 409 version_conflict (nothing changed) when the stored ' +
          'version is another.',
        tags: ['messages'],
        params: schemas.messageParams,
        body: schemas.updateMessageBody,
        response: { 200: oneMessage, ...errors(400, 401, 403, 404, 409, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const { expected_version, ...fields } = request.body;
      const message = await store.updateMessage({
        ...key(request, callerId(request)),
        messageId: request.params.message_id,
        ...(expected_version !== undefined && { expectedVersion: expected_version }),
        ...changesFromWire(fields),
      });
      return { message: messageJson(message) };
    },
  );

  app.post<{
    Params: SessionParams;
    Body: { after_seq?: number; after_message_id?: string; inclusive?: boolean };
  }>(
    '/v1/sessions/:session_id/truncate',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Delete every message after a seq or a message_id (edit, regenerate)',
        description: 'Seqs are never reused: the next message continues after the last one.',
        tags: ['messages'],
        params: schemas.sessionParams,
        body: schemas.truncateBody,
        response: { 200: deleted, ...errors(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const body = request.body;
      const point: TruncateInput =
        body.after_message_id !== undefined
          ? {
              ...key(request, callerId(request)),
              afterMessageId: body.after_message_id,
              ...(body.inclusive !== undefined && { inclusive: body.inclusive }),
            }
          : { ...key(request, callerId(request)), afterSeq: requireSeq(body.after_seq) };
      return store.truncate(point);
    },
  );

  app.post<{ Params: SessionParams }>(
    '/v1/sessions/:session_id/messages/pop',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Delete and return the newest message (null when there is none)',
        tags: ['messages'],
        params: schemas.sessionParams,
        response: {
          200: {
            type: 'object',
            properties: { message: { ...schemas.message, nullable: true } },
            required: ['message'],
          },
          ...errors(401, 403, 404, 429, 503),
        },
      },
    },
    async (request) => {
      const message = await store.popMessage(key(request, callerId(request)));
      return { message: message ? messageJson(message) : null };
    },
  );

  app.post<{ Params: SessionParams; Body: { message_ids: string[] } }>(
    '/v1/sessions/:session_id/messages/delete',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Delete the messages with these ids',
        tags: ['messages'],
        params: schemas.sessionParams,
        body: schemas.deleteMessagesBody,
        response: { 200: deleted, ...errors(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request) =>
      store.deleteMessages({
        ...key(request, callerId(request)),
        messageIds: request.body.message_ids,
      }),
  );

  app.delete<{ Params: SessionParams }>(
    '/v1/sessions/:session_id/messages',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Delete every message of the session and keep the session',
        tags: ['messages'],
        params: schemas.sessionParams,
        response: { 200: deleted, ...errors(401, 403, 404, 429, 503) },
      },
    },
    async (request) => store.clearMessages(key(request, callerId(request))),
  );

  app.post<{
    Params: SessionParams;
    Body: {
      operation_id: string;
      agent_id?: string;
      append?: WireNewMessage[];
      replace_suffix?: { expected: string[]; replacement: WireNewMessage[] };
    };
  }>(
    '/v1/sessions/:session_id/transactions',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Append, or replace the newest messages, atomically and once per operation_id',
        description:
          '201 when applied; 200 with the first result when this operation_id was applied ' +
          'already; 409 operation_conflict for the same id with another body, or an expected ' +
          'suffix that is not the newest messages.',
        tags: ['messages'],
        params: schemas.sessionParams,
        body: schemas.transactBody,
        response: {
          200: transactResult(schemas.message, 'replayed: nothing changed'),
          201: transactResult(schemas.message, 'applied'),
          ...errors(400, 401, 403, 404, 409, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await store.transact({
        ...key(request, callerId(request)),
        operationId: body.operation_id,
        ...(body.agent_id !== undefined && { agentId: body.agent_id }),
        ...(body.append !== undefined && { append: body.append.map(toNew) }),
        ...(body.replace_suffix !== undefined && {
          replaceSuffix: {
            expected: body.replace_suffix.expected,
            replacement: body.replace_suffix.replacement.map(toNew),
          },
        }),
      });
      return reply.code(result.replayed ? 200 : 201).send({
        replayed: result.replayed,
        messages: result.messages.map(messageJson),
      });
    },
  );
}

function toNew(message: WireNewMessage): NewMessage {
  return newMessageFromWire(message);
}

function requireSeq(seq: number | undefined): number {
  if (seq === undefined)
    throw ValidationError.field('after_seq', 'give after_seq or after_message_id');
  return seq;
}

function transactResult(message: object, description: string) {
  return {
    description,
    type: 'object',
    properties: { replayed: { type: 'boolean' }, messages: { type: 'array', items: message } },
    required: ['replayed', 'messages'],
  };
}
