import type { FastifyInstance } from 'fastify';
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
    if (status >= 500) {
      const cause = (error as { cause?: { code?: unknown } }).cause;
      request.log.error(
        { code: body.error.code, err_name: (error as Error).name, cause_code: cause?.code },
        'request failed',
      );
    }
    noteErrorCode(reply, body.error.code);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler(() => {
    throw notFound('no such route');
  });
}
