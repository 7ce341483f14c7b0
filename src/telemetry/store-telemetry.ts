import type { Counter, Histogram, Meter, Tracer } from '@opentelemetry/api';
import { ConvstoreError } from '../contract/errors.js';
import type { ConversationStore } from '../contract/store.js';
import { ATTR, type TelemetryAttributes } from './attributes.js';
import { observeCache } from './cache-observers.js';
import { counter, histogram } from './create-instruments.js';
import { INSTRUMENTS } from './instruments.js';
import { OperationScope, operationScopeKey, type NoteSink } from './operation-scope.js';
import type { OtelApi } from './otel-api.js';
import { STORE_OPERATIONS, OPERATION_NAMES, type StoreOperation } from './store-operations.js';
import type { TelemetryOptions } from './telemetry-options.js';

/** The instrumentation scope: what a backend shows as the library that made the span. */
export const SCOPE_NAME = 'convstore';

/** How the telemetry calls a spec's functions: each was checked against its operation's types. */
interface LooseSpec {
  input?: (input: unknown) => TelemetryAttributes;
  result?: (result: unknown) => TelemetryAttributes;
}

/**
 * One store's tracer, meter and instruments, and the one way an operation is traced and timed.
 * A span per call (CLIENT, a child of the caller's active span), made active while the call runs
 * so that notes from inside the store land on it; a latency histogram by store and operation,
 * and an error counter by code. With no SDK registered, the API's no-ops do nothing.
 */
export class StoreTelemetry implements NoteSink {
  private readonly tracer: Tracer;
  private readonly meter: Meter;
  private readonly duration: Histogram;
  private readonly errors: Counter;
  private readonly appendMessages: Histogram;
  private readonly batchSize: Histogram;
  private readonly cleanupSessions: Counter;
  private readonly cleanupMessages: Counter;
  private readonly scopeKey: symbol;
  /** Per operation: the attributes of its metrics, and the (larger) set its span starts with. */
  private readonly metricAttributes: Record<StoreOperation, TelemetryAttributes>;
  private readonly spanAttributes: Record<StoreOperation, TelemetryAttributes>;
  private readonly stopObserving: (() => void) | null;

  constructor(
    private readonly api: OtelApi,
    store: ConversationStore,
    options: TelemetryOptions,
    namespace: string | undefined,
  ) {
    this.tracer = (options.tracerProvider ?? api.trace).getTracer(SCOPE_NAME);
    this.meter = (options.meterProvider ?? api.metrics).getMeter(SCOPE_NAME);
    this.duration = histogram(this.meter, INSTRUMENTS.operationDuration);
    this.errors = counter(this.meter, INSTRUMENTS.operationErrors);
    this.appendMessages = histogram(this.meter, INSTRUMENTS.appendMessages);
    this.batchSize = histogram(this.meter, INSTRUMENTS.appendBatchSize);
    this.cleanupSessions = counter(this.meter, INSTRUMENTS.cleanupSessions);
    this.cleanupMessages = counter(this.meter, INSTRUMENTS.cleanupMessages);
    this.scopeKey = operationScopeKey(api);
    const system = store.kind === 'redis' ? 'redis' : 'postgresql';
    const storeAttributes = { [ATTR.store]: store.kind, [ATTR.dbSystemName]: system };
    this.metricAttributes = perOperation((operation) => ({
      ...storeAttributes,
      [ATTR.dbOperationName]: operation,
    }));
    this.spanAttributes = perOperation((operation) => ({
      ...this.metricAttributes[operation],
      [ATTR.dbSystem]: system,
      ...(namespace && { [ATTR.dbNamespace]: namespace }),
    }));
    this.stopObserving = observeCache(this.meter, store, storeAttributes);
  }

  /** Runs one call of `operation` (the store's own method, bound) inside its span. */
  async run(
    operation: StoreOperation,
    call: (...args: unknown[]) => Promise<unknown>,
    args: unknown[],
  ): Promise<unknown> {
    const api = this.api;
    const spec = STORE_OPERATIONS[operation] as LooseSpec;
    const metricAttributes = this.metricAttributes[operation];
    const parent = api.context.active();
    const span = this.tracer.startSpan(
      `${SCOPE_NAME}.${operation}`,
      { kind: api.SpanKind.CLIENT, attributes: this.spanAttributes[operation] },
      parent,
    );
    const started = performance.now();
    try {
      if (spec.input) this.noteInput(span, counted(spec.input, args[0]), metricAttributes);
      const scope = new OperationScope(span, this, metricAttributes);
      const context = api.trace.setSpan(parent, span).setValue(this.scopeKey, scope);
      const result = await api.context.with(context, call, undefined, ...args);
      this.duration.record((performance.now() - started) / 1000, metricAttributes);
      if (spec.result) {
        this.noteResult(operation, span, counted(spec.result, result), metricAttributes);
      }
      return result;
    } catch (error) {
      const failed = { ...metricAttributes, [ATTR.errorType]: errorType(error) };
      this.duration.record((performance.now() - started) / 1000, failed);
      this.errors.add(1, failed);
      span.setAttribute(ATTR.errorType, failed[ATTR.errorType]);
      // The code only: a driver's message may quote parameters, which are users' text.
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: failed[ATTR.errorType] });
      throw error;
    } finally {
      span.end();
      if (operation === 'close') this.stopObserving?.();
    }
  }

  /** From inside the store (OperationScope.note): the append batch size. */
  noted(attributes: TelemetryAttributes, operationAttributes: TelemetryAttributes): void {
    const size = attributes[ATTR.dbBatchSize];
    if (typeof size === 'number') this.batchSize.record(size, operationAttributes);
  }

  private noteInput(
    span: ReturnType<Tracer['startSpan']>,
    attributes: TelemetryAttributes,
    metricAttributes: TelemetryAttributes,
  ): void {
    span.setAttributes(attributes);
    const messages = attributes[ATTR.appendMessages];
    if (typeof messages === 'number') this.appendMessages.record(messages, metricAttributes);
  }

  private noteResult(
    operation: StoreOperation,
    span: ReturnType<Tracer['startSpan']>,
    attributes: TelemetryAttributes,
    metricAttributes: TelemetryAttributes,
  ): void {
    span.setAttributes(attributes);
    if (operation !== 'cleanupExpired') return;
    this.cleanupSessions.add(Number(attributes[ATTR.deletedSessions] ?? 0), metricAttributes);
    this.cleanupMessages.add(Number(attributes[ATTR.deletedMessages] ?? 0), metricAttributes);
  }
}

function perOperation(
  make: (operation: StoreOperation) => TelemetryAttributes,
): Record<StoreOperation, TelemetryAttributes> {
  return Object.fromEntries(OPERATION_NAMES.map((name) => [name, make(name)])) as Record<
    StoreOperation,
    TelemetryAttributes
  >;
}

/**
 * A spec's counts of an input or result. The input is the caller's, not yet validated (an append
 * without `messages`): what cannot be counted is left out, and the store then says what is wrong.
 */
function counted(
  count: (value: unknown) => TelemetryAttributes,
  value: unknown,
): TelemetryAttributes {
  try {
    return count(value);
  } catch {
    return {};
  }
}

/** The error's stable code; 'internal' for anything that is not a convstore error. */
export function errorType(error: unknown): string {
  return error instanceof ConvstoreError ? error.code : 'internal';
}
