import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * Two kinds of budget of RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW, counted by
 * @fastify/rate-limit's store: one per authenticated principal (a user, or the admin), and one
 * per client address for what is not authenticated: public routes and failed authentications.
 * An address over its budget gets 429 for any credentials not already known good, before they
 * are looked up: inventing tokens neither escapes the limit nor costs database round trips.
 */
export interface RateLimits {
  /** Throws 429 when the client's address has used up its budget; charges nothing. */
  checkAddress(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Charges the client's address; throws 429 past the budget. */
  chargeAddress(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Charges the authenticated principal; throws 429 past the budget. */
  chargePrincipal(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type Verdict = Awaited<ReturnType<Limiter>>;

/** Needs @fastify/rate-limit registered on `app` with `global: false`: the access hook decides. */
export function createRateLimits(app: FastifyInstance): RateLimits {
  // The plugin's own key: the address, an IPv6 one by its /64, so that one client cannot rotate
  // through its subnet for fresh budgets. Each limiter counts in a store of its own.
  const byAddress = app.createRateLimit({});
  const byPrincipal = app.createRateLimit({
    keyGenerator: (request) => {
      const principal = request.principal;
      return principal?.kind === 'user' ? `user:${principal.userId}` : 'admin';
    },
  });
  return {
    async checkAddress(request, reply) {
      const verdict = await byAddress(request, { increment: false });
      // A read does not count this request: the budget is used up once `remaining` is 0.
      if (!verdict.isAllowed && verdict.remaining === 0) refuse(verdict, reply);
    },
    async chargeAddress(request, reply) {
      answer(await byAddress(request), reply);
    },
    async chargePrincipal(request, reply) {
      answer(await byPrincipal(request), reply);
    },
  };
}

function answer(verdict: Verdict, reply: FastifyReply): void {
  if (verdict.isAllowed) return;
  if (verdict.isExceeded) refuse(verdict, reply);
  void reply.header('x-ratelimit-limit', verdict.max);
  void reply.header('x-ratelimit-remaining', verdict.remaining);
  void reply.header('x-ratelimit-reset', verdict.ttlInSeconds);
}

function refuse(verdict: Verdict & { isAllowed: false }, reply: FastifyReply): never {
  const seconds = Math.max(1, verdict.ttlInSeconds);
  void reply.header('x-ratelimit-limit', verdict.max);
  void reply.header('x-ratelimit-remaining', 0);
  void reply.header('x-ratelimit-reset', seconds);
  void reply.header('retry-after', seconds);
  throw new HttpError(429, 'rate_limited', 'too many requests; retry later');
}
