import type { Span } from '@opentelemetry/api';
import { ATTR, type TelemetryAttributes } from './attributes.js';
import type { OtelApi } from './otel-api.js';

/** Records the metrics that notes from inside a store feed (the append batch size). */
export interface NoteSink {
  noted(attributes: TelemetryAttributes, operationAttributes: TelemetryAttributes): void;
}

/**
 * One store operation in progress: its span and the store's instruments. It travels in the
 * OpenTelemetry context (key OPERATION_SCOPE), so that code deep inside a store can add what only
 * it knows (a cache hit, a batch size) without being handed anything.
 */
export class OperationScope {
  constructor(
    readonly span: Span,
    private readonly sink: NoteSink,
    private readonly attributes: TelemetryAttributes,
  ) {}

  note(attributes: TelemetryAttributes): void {
    this.span.setAttributes(attributes);
    if (ATTR.dbBatchSize in attributes) this.sink.noted(attributes, this.attributes);
  }
}

let key: symbol | undefined;

/** The context key of the scope (made once, from the loaded API). */
export function operationScopeKey(api: OtelApi): symbol {
  key ??= api.createContextKey('convstore.operation');
  return key;
}
