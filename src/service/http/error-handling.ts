import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { toErrorResponse } from './error-body.js';
import { notFound } from './http-error.js';
import { noteErrorCode } from './request-observer.js';

/**
 * Every error a route, a hook or a plugin throws leaves as `{ error: { code, message } }`.
 * Server faults are logged with names and codes only: a driver's message can quote the row it
 * choked on, and rows hold users' words.
 */
export function handleErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) logFault(request, body.error.code, error);
    noteErrorCode(reply, body.error.code);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler(() => {
    throw notFound('no such route');
  });
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route (or hook) runs, such as
 * a path that is not valid percent-encoding. No onResponse hook follows these answers, so the
 * error is counted here; a fault among them is logged like any other.
 */
export function frameworkErrorHandler(metrics: ServiceMetrics) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) logFault(request, body.error.code, error);
    metrics.errors.inc({ code: body.error.code });
    void reply.code(status).send(body);
  };
}

function logFault(request: FastifyRequest, code: string, error: unknown): void {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  request.log.error(
    {
      code,
      err_name: (error as Error).name,
      err_code: (error as { code?: unknown }).code,
      cause_code: cause?.code,
    },
    'request failed',
  );
}
