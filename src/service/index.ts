// The HTTP service: start it from code (the CLI's `serve` does) or with `npm start` (main.ts).
import type { ServiceConfig } from '../config/service-config.js';
import type { ServiceDeps, ServiceHandle } from './start-service.js';

export type { ServiceDeps, ServiceHandle } from './start-service.js';

/**
 * Opens the store, makes sure the admin token exists, and serves the API. Fastify, pino and
 * prom-client are loaded here, on first call, so a library user who never serves HTTP never
 * loads them.
 */
export async function startService(
  config: ServiceConfig,
  deps: ServiceDeps = {},
): Promise<ServiceHandle> {
  const { startService: start } = await import('./start-service.js');
  return start(config, deps);
}
