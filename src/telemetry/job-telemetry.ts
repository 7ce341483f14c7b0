import type { Counter } from '@opentelemetry/api';
import { ATTR, type TelemetryAttributes } from './attributes.js';
import { counter } from './create-instruments.js';
import { INSTRUMENTS } from './instruments.js';
import { loadOtelApi, otelApi } from './otel-api.js';
import { SCOPE_NAME, errorType } from './store-telemetry.js';

/**
 * A job (database migration, Redis-to-PostgreSQL migration) as one span of the registered tracer
 * provider, a child of the caller's active span, with what its result counts; failures carry
 * the error's code. Jobs have no store of their own, so they use the global providers.
 */
export async function traceJob<T>(
  job: string,
  work: () => Promise<T>,
  describe: (result: T) => TelemetryAttributes,
): Promise<T> {
  const api = await loadOtelApi();
  if (!api) return work();
  const span = api.trace.getTracer(SCOPE_NAME).startSpan(`${SCOPE_NAME}.${job}`, {
    kind: api.SpanKind.INTERNAL,
    attributes: { [ATTR.job]: job },
  });
  try {
    const result = await api.context.with(api.trace.setSpan(api.context.active(), span), work);
    span.setAttributes(describe(result));
    return result;
  } catch (error) {
    span.setAttribute(ATTR.errorType, errorType(error));
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: errorType(error) });
    throw error;
  } finally {
    span.end();
  }
}

interface ProgressCounters {
  sessions: Counter;
  messages: Counter;
  schema: Counter;
}

/** Per meter provider: the global one may be registered (or replaced) after the first job. */
const progress = new WeakMap<object, ProgressCounters>();

function progressCounters(): ProgressCounters | undefined {
  const api = otelApi();
  if (!api) return undefined;
  const provider = api.metrics.getMeterProvider();
  let counters = progress.get(provider);
  if (!counters) {
    const meter = provider.getMeter(SCOPE_NAME);
    counters = {
      sessions: counter(meter, INSTRUMENTS.migrationSessions),
      messages: counter(meter, INSTRUMENTS.migrationMessages),
      schema: counter(meter, INSTRUMENTS.schemaMigrations),
    };
    progress.set(provider, counters);
  }
  return counters;
}

/** migrate-redis: a batch of sessions committed to PostgreSQL (progress, as it goes). */
export function countMigrated(sessions: number, messages: number, format: string): void {
  const counters = progressCounters();
  counters?.sessions.add(sessions, { [ATTR.migrationFormat]: format });
  counters?.messages.add(messages, { [ATTR.migrationFormat]: format });
}

/** migrateDatabase: schema migrations applied. */
export function countSchemaMigrations(applied: number): void {
  progressCounters()?.schema.add(applied);
}
