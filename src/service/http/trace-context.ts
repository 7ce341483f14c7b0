import type { FastifyInstance } from 'fastify';
import { loadOtelApi } from '../../telemetry/otel-api.js';

/**
 * Continues the caller's trace: the W3C `traceparent` (and `tracestate`) of a request becomes
 * the context its handler runs in, so the store's spans are children of the chat backend's span.
 * Extraction uses the registered propagator and context manager (the application's SDK); without
 * an SDK, or without `@opentelemetry/api`, nothing is added. When an HTTP instrumentation has
 * already made a span for the request, that span is the parent and this hook stands aside.
 */
export async function continueTraces(app: FastifyInstance): Promise<void> {
  const api = await loadOtelApi();
  if (!api) return;
  app.addHook('onRequest', (request, _reply, done) => {
    const active = api.context.active();
    if (api.trace.getSpan(active)) return done();
    // Everything after `done` (hooks, the handler, their promises) runs in this context.
    api.context.with(api.propagation.extract(active, request.headers), done);
  });
}
