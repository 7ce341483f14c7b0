import type { TelemetryAttributes } from './attributes.js';
import { OperationScope, operationScopeKey } from './operation-scope.js';
import { otelApi } from './otel-api.js';

/** Adds attributes to the store operation in progress; nothing without one (or without an SDK). */
export function noteOnSpan(attributes: TelemetryAttributes): void {
  currentOperation()?.note(attributes);
}

/**
 * The store operation in progress, kept by code that finishes the work later on another call
 * path (the append batcher runs a caller's append after others): note on it then.
 */
export function currentOperation(): OperationScope | undefined {
  const api = otelApi();
  if (!api) return undefined;
  const scope = api.context.active().getValue(operationScopeKey(api));
  return scope instanceof OperationScope ? scope : undefined;
}
