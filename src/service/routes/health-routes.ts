import type { FastifyInstance } from 'fastify';
import { UnavailableError } from '../../contract/errors.js';
import type { RouteContext } from '../http/route-context.js';

/** Liveness, readiness (the store answers) and Prometheus metrics; no credentials needed. */
export function registerHealthRoutes(
  app: FastifyInstance,
  { store, metrics, config, schemas }: RouteContext,
): void {
  const publicRoute = { access: 'public' as const, rateLimit: false as const };

  app.get(
    '/healthz',
    {
      config: publicRoute,
      schema: {
        summary: 'The process is up',
        tags: ['health'],
        security: [],
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' } },
            required: ['status'],
          },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: publicRoute,
      schema: {
        summary: 'The store answers (503 when it does not)',
        tags: ['health'],
        security: [],
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, store: { type: 'string' } },
            required: ['status', 'store'],
          },
          503: schemas.errorAnswer('unavailable: the store did not answer within READY_TIMEOUT_MS'),
        },
      },
    },
    async () => {
      await withTimeout(store.ping(), config.readyTimeoutMs);
      return { status: 'ready', store: store.kind };
    },
  );

  app.get(
    '/metrics',
    {
      config: publicRoute,
      schema: { summary: 'Prometheus metrics', tags: ['health'], security: [] },
    },
    async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new UnavailableError(`the store did not answer within ${ms} ms`)),
      ms,
    );
  });
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
