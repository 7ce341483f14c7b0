import { SignJWT } from 'jose';
import { loadServiceConfig, startService } from '../../src/service/index.js';
import type { StoreOptions } from '../../src/index.js';
import { TEST_DATABASE_URL } from './servers.js';

const JWT_SECRET = 'contract-suite-secret-of-at-least-32-chars';
const ADMIN_TOKEN = 'contract-suite-admin-token-0123456789';

/**
 * A real service on PostgreSQL, in the test's schema, with the test's store options as its
 * settings, and what the HTTP client needs to call it as any user (a JWT per user id, signed
 * with the service's JWT_SECRET) and as the admin.
 */
export async function startHttpStoreService(
  schema: string,
  options: Pick<StoreOptions, 'ttlSeconds' | 'maxHistory' | 'limits'>,
): Promise<{ clientOptions: StoreOptions; close: () => Promise<void> }> {
  const config = loadServiceConfig(
    {},
    {
      port: 0,
      databaseUrl: TEST_DATABASE_URL,
      schema,
      adminToken: ADMIN_TOKEN,
      jwtSecret: JWT_SECRET,
      rateLimitMax: 0,
      cleanupIntervalSeconds: 0,
      logLevel: 'silent',
      conversationTtl: options.ttlSeconds ?? null,
      maxConversationHistory: options.maxHistory ?? null,
      ...options.limits,
      bodyLimitBytes: 64 * 1024 * 1024,
    },
  );
  const service = await startService(config, { say: () => {} });
  const secret = new TextEncoder().encode(JWT_SECRET);
  return {
    clientOptions: {
      url: service.url,
      adminToken: ADMIN_TOKEN,
      token: (userId) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(userId)
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(secret),
    },
    close: () => service.close(),
  };
}
