import type { MeterProvider, TracerProvider } from '@opentelemetry/api';

/**
 * Where a store's spans and metrics go. By default, the providers registered with
 * `@opentelemetry/api` (by the application's SDK); without an SDK every call is a no-op, and
 * without the API installed the store is not instrumented at all.
 */
export interface TelemetryOptions {
  /** Spans go here instead of the global tracer provider. */
  tracerProvider?: TracerProvider;
  /** Metrics go here instead of the global meter provider (the service passes its own). */
  meterProvider?: MeterProvider;
}
