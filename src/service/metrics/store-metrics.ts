import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { INSTRUMENTS, prometheusName } from '../../telemetry/instruments.js';

/**
 * The library's own instruments (src/telemetry/: latency, errors, cache, write-behind queue,
 * batches, cleanup), collected by an OpenTelemetry MeterProvider of this service and written in
 * the Prometheus text format. One provider per service, not the global one, so two services in
 * one process (tests) count apart, and an application that embeds the service keeps its own.
 */
export class StoreMetrics {
  readonly meterProvider: MeterProvider;
  private readonly reader = new PrometheusExporter({ preventServerStart: true });
  // No scope labels or target_info: the same series as the rest of /metrics.
  private readonly serializer = new PrometheusSerializer('', false, undefined, true, true);

  constructor() {
    this.meterProvider = new MeterProvider({ readers: [this.reader], views: unitViews() });
  }

  /** The current values, in the Prometheus text format. */
  async text(): Promise<string> {
    const { resourceMetrics } = await this.reader.collect();
    return this.serializer.serialize(resourceMetrics);
  }

  shutdown(): Promise<void> {
    return this.meterProvider.shutdown();
  }
}

/** Prometheus names carry the unit (`..._seconds`), which the OpenTelemetry exporter leaves out. */
function unitViews(): ViewOptions[] {
  return Object.values(INSTRUMENTS)
    .filter((spec) => spec.unit === 's')
    .map((spec) => ({ instrumentName: spec.name, name: prometheusName(spec) }));
}
