import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import { forbidden } from './http-error.js';

/**
 * Runs before the body is parsed, so a caller without valid credentials learns nothing about the
 * route's input rules (401 comes before 400). Admin routes answer 403 to a user's key.
 */
export function accessHook(authenticator: Authenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    request.principal = null;
    const access = request.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    const principal = await authenticator.authenticate(request.headers.authorization);
    request.principal = principal;
    if (access === 'admin' && principal.kind !== 'admin') {
      throw forbidden('this route needs the admin token');
    }
    if (access === 'user' && principal.kind !== 'user') {
      throw forbidden("the admin token does not act as a user: use one of the user's API keys");
    }
  };
}
