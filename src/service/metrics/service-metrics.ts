import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TelemetryOptions } from '../../telemetry/telemetry-options.js';
import { StoreMetrics } from './store-metrics.js';

/** prom-client's registry, followed by the store's OpenTelemetry instruments in its output. */
class ServiceRegistry extends Registry {
  constructor(private readonly store: StoreMetrics) {
    super();
  }

  override async metrics(): Promise<string> {
    return `${await super.metrics()}\n${await this.store.text()}\n`;
  }
}

/**
 * The service's Prometheus metrics, in a registry of its own (two services in one process do not
 * collide): the HTTP ones here (prom-client), the store's from the library's instrumentation
 * (StoreMetrics; the store is opened with `telemetry`). Labels are route templates, methods,
 * status codes, operation names and error codes: never ids or message text.
 */
export class ServiceMetrics {
  private readonly storeMetrics = new StoreMetrics();
  readonly registry: Registry = new ServiceRegistry(this.storeMetrics);
  /** For createStore: the store's instruments report to this service's /metrics. */
  readonly telemetry: TelemetryOptions = { meterProvider: this.storeMetrics.meterProvider };
  readonly requestDuration = new Histogram({
    name: 'convstore_http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly requestsInFlight = new Gauge({
    name: 'convstore_http_requests_in_flight',
    help: 'HTTP requests being served',
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'convstore_http_errors_total',
    help: 'HTTP error responses by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'convstore_' });
  }

  shutdown(): Promise<void> {
    return this.storeMetrics.shutdown();
  }
}
