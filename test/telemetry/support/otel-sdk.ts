import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeEach } from 'vitest';

/**
 * The real OpenTelemetry SDK, registered globally for one test file as an application would:
 * a tracer provider exporting to memory, a meter provider whose reader exports to memory when
 * asked (forceFlush), the AsyncLocalStorage context manager and the W3C propagator.
 */
export function registerTestSdk() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);

  beforeEach(() => spans.reset());
  afterAll(async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
  });

  return {
    tracer: trace.getTracer('test'),
    /** Forgets the spans ended so far. */
    resetSpans: () => spans.reset(),
    /** The spans convstore ended since the test began. */
    convstoreSpans(): ReadableSpan[] {
      return spans
        .getFinishedSpans()
        .filter((span) => span.instrumentationScope.name === 'convstore');
    },
    /** Collects and returns every metric so far (cumulative). */
    async collectMetrics(): Promise<ResourceMetrics[]> {
      metricExporter.reset();
      await reader.forceFlush();
      return metricExporter.getMetrics();
    },
  };
}

export interface Point {
  name: string;
  attributes: Record<string, unknown>;
  value: unknown;
}

/** Every data point of every convstore metric, flattened. */
export function dataPoints(resourceMetrics: ResourceMetrics[]): Point[] {
  return resourceMetrics.flatMap((resource) =>
    resource.scopeMetrics
      .filter((scope) => scope.scope.name === 'convstore')
      .flatMap((scope) =>
        scope.metrics.flatMap((metric) =>
          metric.dataPoints.map((point) => ({
            name: metric.descriptor.name,
            attributes: point.attributes,
            value: point.value,
          })),
        ),
      ),
  );
}
