import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../http/route-context.js';
import { agentJson } from '../http/to-json.js';

/** GET /v1/agents: the shared catalogue, for users and the admin. */
export function registerAgentRoutes(app: FastifyInstance, { store, schemas }: RouteContext): void {
  app.get(
    '/v1/agents',
    {
      config: { access: 'any' },
      schema: {
        summary: 'The agent catalogue',
        tags: ['agents'],
        response: {
          200: {
            type: 'object',
            properties: { agents: { type: 'array', items: schemas.agent } },
            required: ['agents'],
          },
          ...schemas.errors(401, 429, 503),
        },
      },
    },
    async () => ({ agents: (await store.listAgents()).map(agentJson) }),
  );
}
