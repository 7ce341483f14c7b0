import type * as OtelApiModule from '@opentelemetry/api';

/** `@opentelemetry/api`, as loaded at run time (an optional peer dependency). */
export type OtelApi = typeof OtelApiModule;

let loading: Promise<OtelApi | null> | undefined;
let loaded: OtelApi | null = null;

/**
 * Imports `@opentelemetry/api` once per process, at the first store open. The API is an optional
 * peer dependency: when it is not installed, this resolves to null and the stores are returned
 * unwrapped (nothing at all is added to their calls). Every later call gets the same answer.
 */
export function loadOtelApi(): Promise<OtelApi | null> {
  loading ??= import('@opentelemetry/api').then(
    (api) => (loaded = api),
    () => null,
  );
  return loading;
}

/** The API once loadOtelApi has found it, for code that cannot wait (notes on the active span). */
export function otelApi(): OtelApi | null {
  return loaded;
}
