import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerAdminRoutes } from '../routes/admin-routes.js';
import { registerAgentRoutes } from '../routes/agent-routes.js';
import { registerConsoleRoutes } from '../routes/console-routes.js';
import { registerHealthRoutes } from '../routes/health-routes.js';
import { registerDraftRoutes } from '../routes/draft-routes.js';
import { registerMessageOperationRoutes } from '../routes/message-operation-routes.js';
import { registerMessageRoutes } from '../routes/message-routes.js';
import { registerExportRoutes } from '../routes/export-routes.js';
import { registerSearchRoutes } from '../routes/search-routes.js';
import { registerSessionRoutes } from '../routes/session-routes.js';
import { registerUsageRoutes } from '../routes/usage-routes.js';
import { accessHook } from './access-hook.js';
import { clientErrorHandler } from './client-errors.js';
import { frameworkErrorHandler, handleErrors } from './error-handling.js';
import { parseJsonBodiesStrictly } from './json-body-parser.js';
import { observeRequests } from './request-observer.js';
import { continueTraces } from './trace-context.js';
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
    routerOptions: {
      // Fastify's default refuses path parameters over 100 characters before the route's schema
      // can say why (as a 500), and ids may have 128. Node's header limit (16 KiB, request line
      // included) bounds a path anyway: any longer id reaches the schema, which answers 400.
      maxParamLength: PATH_PARAM_LIMIT,
    },
    // Errors the router raises before any route runs (a malformed URL): same JSON shape.
    frameworkErrors: frameworkErrorHandler(metrics),
    // What Node's HTTP parser refuses (oversize headers, malformed HTTP): same JSON shape.
    clientErrorHandler: clientErrorHandler(metrics, logger as FastifyBaseLogger),
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler());
  // Session, Message, Agent, Error: answers reference them by $id (the serializer resolves them).
  for (const schema of context.schemas.shared) app.addSchema(schema);
  parseJsonBodiesStrictly(app);
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
  await continueTraces(app);

  if (config.docs) {
    await app.register(swagger, {
      // Shared schemas keep their $id as their name under components.schemas.
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) =>
          typeof json.$id === 'string' ? json.$id : `def-${i}`,
      },
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
    // With a Redis, every instance counts in the same keys (under the key prefix), so a budget is
    // one budget however requests are spread. A Redis that does not answer lets requests through
    // (skipOnError): the limit protects the service, it must not take it down with Redis.
    const shared = context.instanceRedis;
    await app.register(rateLimit, {
      global: false,
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowSeconds * 1000,
      ...(shared && {
        redis: shared.commands,
        nameSpace: `${config.redisKeyPrefix}service:rate:`,
        skipOnError: true,
      }),
    });
    limits = createRateLimits(app);
  }
  app.addHook('onRequest', accessHook(context.authenticator, limits));

  registerHealthRoutes(app, context);
  registerAdminRoutes(app, context);
  registerAgentRoutes(app, context);
  registerSessionRoutes(app, context);
  registerMessageRoutes(app, context);
  registerMessageOperationRoutes(app, context);
  registerDraftRoutes(app, context);
  registerSearchRoutes(app, context);
  registerExportRoutes(app, context);
  registerUsageRoutes(app, context);
  if (config.console) registerConsoleRoutes(app);
  if (config.docs) {
    app.get(
      '/openapi.json',
      { config: { access: 'public', rateLimit: false }, schema: { hide: true } },
      async () => app.swagger(),
    );
  }
  return app;
}

/** Longest path parameter the router passes on to a route (its schema checks the rest). */
const PATH_PARAM_LIMIT = 16 * 1024;

let requestCounter = 0;

/** The caller's X-Request-Id when it is a plain token (it goes into logs), else our own. */
function requestId(request: { headers: Record<string, unknown> }): string {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given)) return given;
  return `req-${(++requestCounter).toString(36)}`;
}
