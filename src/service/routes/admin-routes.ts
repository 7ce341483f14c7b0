import type { FastifyInstance } from 'fastify';
import type { Metadata } from '../../contract/types.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import type { RouteContext } from '../http/route-context.js';
import { agentJson } from '../http/to-json.js';
import { ValidationError } from '../../contract/errors.js';
import { InputValidator } from '../../contract/validation.js';

/** /v1/admin/*: users and their keys, the agent catalogue, cleanup. All need the admin token. */
export function registerAdminRoutes(app: FastifyInstance, context: RouteContext): void {
  const { store, schemas, authStore, revocations, newId, config } = context;
  const validate = new InputValidator(config.limits, newId);
  const { errors } = schemas;
  const counts = {
    type: 'object',
    properties: { sessions: { type: 'integer' }, messages: { type: 'integer' } },
    required: ['sessions', 'messages'],
  };

  app.post<{ Body: { user_id?: string } | undefined }>(
    '/v1/admin/users',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Create a user (or give an existing one another API key)',
        description: 'The API key is returned once; only its hash is kept.',
        tags: ['admin'],
        body: schemas.createUserBody,
        response: {
          201: {
            type: 'object',
            properties: {
              user: {
                type: 'object',
                properties: {
                  user_id: { type: 'string' },
                  created_at: { type: 'string', format: 'date-time' },
                },
              },
              api_key: { type: 'string', description: 'Authorization: Bearer <api_key>' },
            },
            required: ['user', 'api_key'],
          },
          ...errors(400, 401, 403, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { userId } = validate.userKey({ userId: request.body?.user_id ?? newId() });
      const apiKey = newSecret('csk');
      const user = await authStore.createUserKey(userId, hashSecret(apiKey));
      return reply.code(201).send({
        user: { user_id: user.userId, created_at: user.createdAt.toISOString() },
        api_key: apiKey,
      });
    },
  );

  app.delete<{ Params: { user_id: string } }>(
    '/v1/admin/users/:user_id',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Erase a user: every session, message and API key of theirs',
        tags: ['admin'],
        params: schemas.userParams,
        response: {
          200: { type: 'object', properties: { deleted: counts }, required: ['deleted'] },
          ...errors(400, 401, 403, 429, 503),
        },
      },
    },
    async (request) => {
      const userId = request.params.user_id;
      const deleted = await store.deleteUser({ userId });
      await authStore.deleteUserKeys(userId);
      await revocations.forgetUser(userId);
      return { deleted };
    },
  );

  app.post<{
    Body: { agent_id: string; name?: string | null; model?: string | null; settings?: Metadata };
  }>(
    '/v1/admin/agents',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Create or replace an agent of the shared catalogue',
        tags: ['admin'],
        body: schemas.putAgentBody,
        response: {
          201: { type: 'object', properties: { agent: schemas.agent }, required: ['agent'] },
          ...errors(400, 401, 403, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { agent_id, name, model, settings } = request.body;
      const agent = await store.putAgent({
        agentId: agent_id,
        ...(name !== undefined && { name }),
        ...(model !== undefined && { model }),
        ...(settings !== undefined && { settings }),
      });
      return reply.code(201).send({ agent: agentJson(agent) });
    },
  );

  app.post<{ Querystring: { batch_size?: number }; Body: { batch_size?: number } }>(
    '/v1/admin/cleanup',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Reclaim the space of expired sessions now (409 busy when a cleanup is running)',
        description: 'batch_size in the body, or (as before) in the query; not both.',
        tags: ['admin'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { batch_size: schemas.cleanupBody.properties.batch_size },
        },
        body: schemas.cleanupBody,
        response: {
          200: counts,
          ...errors(400, 401, 403, 413, 415, 429, 503),
          409: schemas.errorAnswer('busy: another cleanup is running'),
        },
      },
    },
    async (request) => {
      const fromQuery = request.query.batch_size;
      const fromBody = request.body.batch_size;
      if (fromQuery !== undefined && fromBody !== undefined) {
        throw ValidationError.field('batch_size', 'give it in the body or the query, not both');
      }
      const batchSize = fromBody ?? fromQuery;
      return store.cleanupExpired(batchSize === undefined ? {} : { batchSize });
    },
  );
}
