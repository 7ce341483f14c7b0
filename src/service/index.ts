// `convstore/service`: the HTTP service, to start from code (the CLI's `serve` does) or with
// `npm start` (main.ts), and the table of its settings. Every export is named on purpose.
import type { ServiceConfig } from '../config/service-config.js';
import type { ServiceDeps, ServiceHandle } from './start-service.js';

export type { ServiceDeps, ServiceHandle } from './start-service.js';
export { CONFIG_FIELDS, SETTINGS, loadServiceConfig, resolveSettings } from '../config/index.js';
export type { ConfigOverrides, FlatConfig, ServiceConfig } from '../config/index.js';

/**
 * Opens the store, makes sure the admin token exists, and serves the API. Fastify, pino and
 * prom-client are loaded here, on first call, so a program that imports this module but never
 * serves HTTP never loads them.
 */
export async function startService(
  config: ServiceConfig,
  deps: ServiceDeps = {},
): Promise<ServiceHandle> {
  const { startService: start } = await import('./start-service.js');
  return start(config, deps);
}
