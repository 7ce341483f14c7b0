import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import type { Logger } from 'pino';
import { registerAdminRoutes } from '../routes/admin-routes.js';
import { registerAgentRoutes } from '../routes/agent-routes.js';
import { registerHealthRoutes } from '../routes/health-routes.js';
import { registerMessageRoutes } from '../routes/message-routes.js';
import { registerExportRoutes } from '../routes/export-routes.js';
import { registerSearchRoutes } from '../routes/search-routes.js';
import { registerSessionRoutes } from '../routes/session-routes.js';
import { accessHook } from './access-hook.js';
import { toErrorResponse } from './error-body.js';
import { handleErrors } from './error-handling.js';
import { observeRequests } from './request-observer.js';
import { createRateLimits, type RateLimits } from './rate-limits.js';
import type { RouteContext } from './route-context.js';
import { validatorCompiler } from './validator-compiler.js';

/** The Fastify app: plugins, hooks, routes. Listening and closing belong to startService. */
export async function buildApp(context: RouteContext, logger: Logger): Promise<FastifyInstance> {
  const { config, metrics } = context;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request is written in onResponse below, without bodies.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestId,
    // Errors the router raises before any route runs (a malformed URL): same JSON shape.
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = toErrorResponse(error);
      void (reply as unknown as FastifyReply).code(status).send(body);
    },
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler());
  // The API speaks JSON only: anything else is a clear 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('principal', null);
  // A request without a body (POST /v1/sessions, POST /v1/admin/users) means "all defaults".
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PATCH')) {
      request.body = {};
    }
  });

  handleErrors(app);
  observeRequests(app, metrics);

  if (config.docs) {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'convstore',
          version: '1',
          description:
            'Sessions and their ordered messages, per user. Authenticate with ' +
            '`Authorization: Bearer <api key>`; admin routes take the admin token.',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        },
        security: [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  }

  let limits: RateLimits | null = null;
  if (config.rateLimitMax > 0) {
    // Not global: the access hook charges the address before authenticating and the principal
    // after (see createRateLimits), which a single key chosen up front cannot do.
    await app.register(rateLimit, {
      global: false,
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowSeconds * 1000,
    });
    limits = createRateLimits(app);
  }
  app.addHook('onRequest', accessHook(context.authenticator, limits));

  registerHealthRoutes(app, context);
  registerAdminRoutes(app, context);
  registerAgentRoutes(app, context);
  registerSessionRoutes(app, context);
  registerMessageRoutes(app, context);
  registerSearchRoutes(app, context);
  registerExportRoutes(app, context);
  if (config.docs) {
    app.get(
      '/openapi.json',
      { config: { access: 'public', rateLimit: false }, schema: { hide: true } },
      async () => app.swagger(),
    );
  }
  return app;
}

let requestCounter = 0;

/** The caller's X-Request-Id when it is a plain token (it goes into logs), else our own. */
function requestId(request: { headers: Record<string, unknown> }): string {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given)) return given;
  return `req-${(++requestCounter).toString(36)}`;
}
