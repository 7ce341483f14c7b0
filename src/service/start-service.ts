import { v7 as uuidv7 } from 'uuid';
import type { ServiceConfig } from '../config/service-config.js';
import { scheduleCleanup, type StopCleanup } from '../jobs/schedule-cleanup.js';
import { scheduleUsageRollup } from '../jobs/schedule-usage-rollup.js';
import type { AuthStore } from './auth/auth-store.js';
import { resolveAdminToken } from './auth/admin-token.js';
import { Authenticator } from './auth/authenticator.js';
import { createJwtVerifier } from './auth/jwt-verifier.js';
import { KeyCache } from './auth/key-cache.js';
import { UnknownKeyCache } from './auth/unknown-key-cache.js';
import { buildApp } from './http/build-app.js';
import { createLogger } from './http/logger.js';
import { apiSchemas } from './http/schemas.js';
import { openInstanceRedis, type InstanceRedis } from './instances/instance-redis.js';
import {
  localRevocations,
  sharedRevocations,
  type UserRevocations,
} from './instances/user-revocations.js';
import { ServiceMetrics } from './metrics/service-metrics.js';
import { openBackend, type BackendDeps } from './open-backend.js';
import type { FastifyInstance } from 'fastify';

export interface ServiceHandle {
  /** `http://host:port`, with the port actually bound (PORT=0 picks one). */
  url: string;
  port: number;
  host: string;
  /** The admin token this start created (printed once), or null when one already existed. */
  createdAdminToken: string | null;
  app: FastifyInstance;
  /**
   * Graceful stop: no new connections, requests in flight finish (up to SHUTDOWN_TIMEOUT_MS),
   * the cleanup and usage roll-up schedules stop, then the store closes (flushing anything it
   * buffers).
   */
  close(): Promise<void>;
}

export interface ServiceDeps extends Partial<BackendDeps> {
  /** Where log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
}

/** Opens the store, makes sure the admin token exists, and serves the API. */
export async function startService(
  config: ServiceConfig,
  deps: ServiceDeps = {},
): Promise<ServiceHandle> {
  const say = deps.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Made first: the store is opened with its meter provider (the store's instruments).
  const metrics = new ServiceMetrics();
  const backend = await openBackend(config, {
    ...deps,
    say,
    telemetry: { ...deps.telemetry, ...metrics.telemetry },
  });
  try {
    return await serve(config, deps, say, backend, metrics);
  } catch (error) {
    await backend.close();
    await metrics.shutdown();
    throw error;
  }
}

async function serve(
  config: ServiceConfig,
  deps: ServiceDeps,
  say: (line: string) => void,
  backend: Awaited<ReturnType<typeof openBackend>>,
  metrics: ServiceMetrics,
): Promise<ServiceHandle> {
  const authStore: AuthStore = backend.authStore;
  const adminToken = await resolveAdminToken(config.adminToken, authStore);
  // Shown now, before anything else can fail: its hash is already stored, so a start that fails
  // later (port taken) must not swallow the only copy and lock the operator out.
  if (adminToken.created) announceAdminToken(adminToken.created, say);
  const store = backend.store;
  const authenticator = new Authenticator(
    authStore,
    new KeyCache(config.authCacheSeconds * 1000),
    adminToken.hash,
    await createJwtVerifier({
      secret: config.jwtSecret,
      jwksUrl: config.jwtJwksUrl,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
    }),
    new UnknownKeyCache(config.authCacheSeconds * 1000),
  );
  const logger = createLogger(config, deps.logStream);
  const instanceRedis = config.redisUrl ? await openInstanceRedis(config.redisUrl) : null;
  let revocations: UserRevocations;
  try {
    revocations = instanceRedis
      ? await sharedRevocations(authenticator, instanceRedis, {
          keyPrefix: config.redisKeyPrefix,
          waitMs: config.revocationWaitMs,
          onError: (error) =>
            logger.warn({ code: (error as { code?: unknown }).code }, 'revocation channel failed'),
        })
      : localRevocations(authenticator);
  } catch (error) {
    await instanceRedis?.close();
    throw error;
  }
  const app = await listening(config, logger, instanceRedis, {
    config,
    store,
    authStore,
    authenticator,
    revocations,
    instanceRedis,
    metrics,
    schemas: apiSchemas(config.limits),
    newId: uuidv7,
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${hostForUrl}:${port}`;

  if (adminToken.created) showAdminTokenUse(adminToken.created, url, config.console, say);
  const links = [config.console && `console: ${url}/console`, config.docs && `docs: ${url}/docs`];
  const shown = links.filter(Boolean).join(', ');
  say(`convstore: serving ${backend.description} at ${url}${shown ? ` (${shown})` : ''}`);

  const stopCleanup: StopCleanup | null =
    config.cleanupIntervalSeconds > 0
      ? scheduleCleanup(store, {
          intervalMs: config.cleanupIntervalSeconds * 1000,
          rollUpUsage: false,
          onResult: (report) => logger.info({ ...report, startedAt: undefined }, 'cleanup'),
          onBusy: () => logger.debug('cleanup: another runner holds the lock'),
          onError: (error) =>
            logger.warn({ code: (error as { code?: unknown }).code }, 'cleanup failed'),
        })
      : null;
  const stopRollup: StopCleanup | null =
    config.usageRollupIntervalSeconds > 0 && store.capabilities.usageRollup
      ? scheduleUsageRollup(store, {
          intervalMs: config.usageRollupIntervalSeconds * 1000,
          onRollup: (report) => logger.debug({ ...report }, 'usage rollup'),
          onError: (error) =>
            logger.warn({ code: (error as { code?: unknown }).code }, 'usage rollup failed'),
        })
      : null;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all([stopCleanup?.(), stopRollup?.()]);
      await closeWithin(app, config.shutdownTimeoutMs);
      await revocations.close();
      await instanceRedis?.close();
      await backend.close();
      await metrics.shutdown();
    })());

  return { url, port, host: config.host, createdAdminToken: adminToken.created, app, close };
}

/** Builds the app and listens; a failure closes the instances' Redis before it is thrown. */
async function listening(
  config: ServiceConfig,
  logger: ReturnType<typeof createLogger>,
  instanceRedis: InstanceRedis | null,
  context: Parameters<typeof buildApp>[0],
): Promise<FastifyInstance> {
  try {
    const app = await buildApp(context, logger);
    await app.listen({ port: config.port, host: config.host });
    return app;
  } catch (error) {
    await instanceRedis?.close();
    throw error;
  }
}

/** Fastify's close waits for requests in flight; past the deadline, connections are cut. */
async function closeWithin(app: FastifyInstance, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      app.server.closeAllConnections();
      resolve();
    }, ms);
  });
  await Promise.race([app.close(), deadline]);
  clearTimeout(timer);
}

function announceAdminToken(token: string, say: (line: string) => void): void {
  say(
    [
      '',
      'convstore: created the admin token. It is shown this once; only its hash is kept.',
      '',
      `    ${token}`,
      '',
      'Set CONVSTORE_ADMIN_TOKEN to use a token of your own instead.',
      '',
    ].join('\n'),
  );
}

/** After listening, when the URL is known: how to use the token shown above. */
function showAdminTokenUse(
  token: string,
  url: string,
  consoleServed: boolean,
  say: (line: string) => void,
): void {
  say(
    [
      'Create a user and their API key with the admin token:',
      `    curl -s -X POST ${url}/v1/admin/users -H 'Authorization: Bearer ${token}' \\`,
      `      -H 'Content-Type: application/json' -d '{"user_id":"alice"}'`,
      ...(consoleServed ? [`or sign in with it at ${url}/console (Administration, Users).`] : []),
      '',
    ].join('\n'),
  );
}
