import type { ConversationStore } from '../contract/store.js';
import type { ResolvedStoreOptions } from '../options.js';
import { loadOtelApi } from './otel-api.js';
import { StoreTelemetry } from './store-telemetry.js';
import { OPERATION_NAMES } from './store-operations.js';
import type { TelemetryOptions } from './telemetry-options.js';

/**
 * The store createStore returns: every operation of STORE_OPERATIONS traced and timed (see
 * StoreTelemetry), everything else (`kind`, a store's own extras such as the hybrid's `flush`)
 * passed through to the store itself, so `instanceof` and private state keep working. Without
 * `@opentelemetry/api` installed, or with `telemetry: false`, the store itself is returned.
 */
export async function instrumentStore<S extends ConversationStore>(
  store: S,
  options: ResolvedStoreOptions,
  telemetry: TelemetryOptions | false | undefined,
): Promise<S> {
  if (telemetry === false) return store;
  const api = await loadOtelApi();
  if (!api) return store;
  const namespace = store.kind === 'redis' ? undefined : options.schema;
  const traced = new StoreTelemetry(api, store, telemetry ?? {}, namespace);
  const methods = new Map<PropertyKey, unknown>();
  for (const operation of OPERATION_NAMES) {
    // Looked up at each call, so a method replaced on the store later (a test's spy) is the one
    // that runs.
    const call = (...args: unknown[]) =>
      (store[operation] as (...given: unknown[]) => Promise<unknown>).apply(store, args);
    methods.set(operation, (...args: unknown[]) => traced.run(operation, call, args));
  }
  return new Proxy(store, {
    get(target, property) {
      const method = methods.get(property);
      if (method) return method;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound: unknown = value.bind(target);
      methods.set(property, bound);
      return bound;
    },
  });
}
