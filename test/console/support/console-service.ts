import { loadServiceConfig, type ConfigOverrides } from '../../../src/config/index.js';
import { startService, type ServiceHandle } from '../../../src/service/index.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';
import {
  ADMIN_TOKEN,
  dropSchema,
  freshSchema,
  pglite,
  type ServiceBackend,
} from '../../service/support/service-under-test.js';

export interface ConsoleService {
  handle: ServiceHandle;
  url: string;
  /** The PostgreSQL schema the service's tables are in (its own, dropped by stop). */
  schema: string;
  stop(): Promise<void>;
}

/**
 * The real service for a whole file of browser tests (one start, one schema, many tests), on
 * PGlite or the real PostgreSQL. Stopped, its schema dropped, by `stop`.
 */
export async function startConsoleService(
  backend: Exclude<ServiceBackend, 'hybrid'>,
  overrides: ConfigOverrides = {},
): Promise<ConsoleService> {
  const schema = freshSchema();
  const config = loadServiceConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      schema,
      databaseUrl: backend === 'pglite' ? null : TEST_DATABASE_URL,
      adminToken: ADMIN_TOKEN,
      logLevel: 'silent',
      cleanupIntervalSeconds: 0,
      rateLimitMax: 0,
      migrate: true,
      ...overrides,
    },
  );
  const handle = await startService(config, {
    say: () => {},
    ...(backend === 'pglite' && { pglite: await pglite() }),
  });
  return {
    handle,
    url: handle.url,
    schema,
    stop: async () => {
      await handle.close();
      await dropSchema(backend, schema);
    },
  };
}
