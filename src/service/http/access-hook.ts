import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import { forbidden, HttpError } from './http-error.js';
import type { RateLimits } from './rate-limits.js';

/**
 * Runs before the body is parsed, so a caller without valid credentials learns nothing about the
 * route's input rules (401 comes before 400). Admin routes answer 403 to a user's key.
 *
 * Rate limits (when on, unless the route opts out with `rateLimit: false`): an authenticated
 * request is charged to its principal; a public request and a failed authentication to the
 * client's address. Credentials not known good already (the admin token, a key verified
 * moments ago) are only looked up while the address has budget left, so random tokens hit 429
 * and stop costing database round trips.
 */
export function accessHook(authenticator: Authenticator, limits: RateLimits | null) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    request.principal = null;
    const config = request.routeOptions.config;
    const limited = limits !== null && config.rateLimit !== false ? limits : null;
    const access = config.access ?? 'public';
    if (access === 'public') {
      await limited?.chargeAddress(request, reply);
      return;
    }
    const header = request.headers.authorization;
    let principal: Principal;
    if (!limited) principal = await authenticator.authenticate(header);
    else {
      if (!authenticator.vouchesFor(header)) await limited.checkAddress(request, reply);
      try {
        principal = await authenticator.authenticate(header);
      } catch (error) {
        // Refused credentials count against the address; a database outage does not.
        if (error instanceof HttpError && error.status === 401) {
          await limited.chargeAddress(request, reply);
        }
        throw error;
      }
      request.principal = principal;
      await limited.chargePrincipal(request, reply);
    }
    request.principal = principal;
    if (access === 'admin' && principal.kind !== 'admin') {
      throw forbidden('this route needs the admin token');
    }
    if (access === 'user' && principal.kind !== 'user') {
      throw forbidden("the admin token does not act as a user: use one of the user's API keys");
    }
  };
}
