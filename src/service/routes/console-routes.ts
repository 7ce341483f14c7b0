import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadConsoleFiles, type ConsoleFile } from '../http/console-files.js';
import { notFound } from '../http/http-error.js';

/** Where `npm run build` puts the console (vite build of console/): dist/console of the package. */
export const CONSOLE_DIR = new URL('../../../dist/console/', import.meta.url);

/**
 * GET /console: the web console, files built into the package (nothing fetched at run time).
 * Public: the page itself holds no data; it asks for a key and calls the API with it like any
 * client. Hidden from the OpenAPI document, which describes the API only.
 */
export function registerConsoleRoutes(app: FastifyInstance, dir: URL = CONSOLE_DIR): void {
  const files = loadConsoleFiles(dir);
  const options = {
    config: { access: 'public' as const, rateLimit: false as const },
    schema: { hide: true },
  };
  app.get('/console', options, async (_request, reply) => reply.redirect('/console/'));
  app.get<{ Params: { '*': string } }>('/console/*', options, async (request, reply) => {
    const path = request.params['*'];
    const file = files.get(path === '' ? 'index.html' : path);
    if (file) return send(request, reply, file);
    // Hashed assets are exact; any other path is the page (a bookmarked client route).
    if (path.startsWith('assets/')) throw notFound('no such console file');
    const page = files.get('index.html');
    if (!page) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    return send(request, reply, page);
  });
}

const NOT_BUILT =
  'The console is not built into this copy of convstore: run `npm run build` and restart.\n';

function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile) {
  reply
    .type(file.type)
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('vary', 'accept-encoding');
  if (file.type.startsWith('text/html')) {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
  }
  const accepts = String(request.headers['accept-encoding'] ?? '');
  if (file.gzipped && /\bgzip\b/.test(accepts)) {
    return reply.header('content-encoding', 'gzip').send(file.gzipped);
  }
  return reply.send(file.body);
}

/**
 * Scripts and styles from the console's own files only; the API on the same origin. Images may
 * come from anywhere (a message can point at one) or be inline data.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  'img-src * data: blob:',
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
