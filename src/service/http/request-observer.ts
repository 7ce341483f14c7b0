import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceMetrics } from '../metrics/service-metrics.js';

const startedAt = new WeakMap<FastifyRequest, bigint>();
const errorCodes = new WeakMap<FastifyReply, string>();

/** Remembers the error code an answer carried, for the request's log line and metrics. */
export function noteErrorCode(reply: FastifyReply, code: string): void {
  errorCodes.set(reply, code);
}

/**
 * Times every request into the latency histogram, counts error codes, echoes the request id, and
 * writes the one log line per request: id, method, route template, status, code, time. Never a
 * body, a header value or an id from the path.
 */
export function observeRequests(app: FastifyInstance, metrics: ServiceMetrics): void {
  app.addHook('onRequest', async (request, reply) => {
    metrics.requestsInFlight.inc();
    // 'close' fires once per response, answered or abandoned by the client alike.
    reply.raw.once('close', () => metrics.requestsInFlight.dec());
    startedAt.set(request, process.hrtime.bigint());
    reply.header('x-request-id', request.id);
  });
  // Once closing has begun, every response ends its connection, so that keep-alive clients do
  // not hold the shutdown open after their last request in flight has been answered.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!app.server.listening) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const started = startedAt.get(request) ?? process.hrtime.bigint();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.requestDuration.observe({ method: request.method, route, status }, seconds);
    const code = errorCodes.get(reply);
    if (code) metrics.errors.inc({ code });
    request.log.info(
      {
        method: request.method,
        route,
        status,
        ...(code && { code }),
        ms: +(seconds * 1000).toFixed(2),
      },
      'request',
    );
  });
}
