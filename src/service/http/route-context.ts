import type { FastifyRequest } from 'fastify';
import type { ServiceConfig } from '../../config/service-config.js';
import type { ConversationStore } from '../../contract/store.js';
import type { AuthStore } from '../auth/auth-store.js';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import type { InstanceRedis } from '../instances/instance-redis.js';
import type { UserRevocations } from '../instances/user-revocations.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { ApiSchemas } from './schemas.js';
import { forbidden, unauthorized } from './http-error.js';

/** Who may call a route: a user's key or JWT, the admin token, either, or anyone. */
export type RouteAccess = 'user' | 'admin' | 'any' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** What every route module is given. */
export interface RouteContext {
  config: ServiceConfig;
  store: ConversationStore;
  authStore: AuthStore;
  authenticator: Authenticator;
  /** Drops an erased user's cached keys here, and on every instance when Redis links them. */
  revocations: UserRevocations;
  /** The Redis several instances share (REDIS_URL), or null: rate limits then count per process. */
  instanceRedis: InstanceRedis | null;
  metrics: ServiceMetrics;
  schemas: ApiSchemas;
  newId: () => string;
}

/** The calling user; the user is never taken from the request's body or query. */
export function callerId(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind === 'user') return principal.userId;
  if (principal?.kind === 'admin') {
    throw forbidden("the admin token does not act as a user: use one of the user's API keys");
  }
  throw unauthorized('send Authorization: Bearer <api key>');
}
