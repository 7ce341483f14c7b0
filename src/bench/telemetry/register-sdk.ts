/**
 * The OpenTelemetry SDK as an application registers it, exporting to memory (the cost measured
 * is convstore's instrumentation plus the SDK's own work, not an exporter's network). Loaded
 * only by this bench: the SDK packages are development dependencies.
 */
export async function registerInMemorySdk(): Promise<{ reset(): void }> {
  const api = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const traceSdk = await import('@opentelemetry/sdk-trace-base');
  const metricsSdk = await import('@opentelemetry/sdk-metrics');
  const spans = new traceSdk.InMemorySpanExporter();
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(
    new traceSdk.BasicTracerProvider({
      spanProcessors: [new traceSdk.SimpleSpanProcessor(spans)],
    }),
  );
  const metricExporter = new metricsSdk.InMemoryMetricExporter(
    metricsSdk.AggregationTemporality.CUMULATIVE,
  );
  api.metrics.setGlobalMeterProvider(
    new metricsSdk.MeterProvider({
      readers: [
        new metricsSdk.PeriodicExportingMetricReader({
          exporter: metricExporter,
          exportIntervalMillis: 1000,
        }),
      ],
    }),
  );
  return {
    reset: () => {
      spans.reset();
      metricExporter.reset();
    },
  };
}
