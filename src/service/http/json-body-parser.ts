import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * Replaces Fastify's JSON body parser with one that decodes UTF-8 strictly. The stock parser reads
 * the body as a string, which turns invalid bytes (`ff fe`, an overlong `c0 af`, a CESU-8
 * surrogate `ed a0 80`) silently into U+FFFD: the store would then keep text the client never
 * sent. A fatal decoder refuses them, and the parsing itself stays Fastify's (its protection
 * against `__proto__` and `constructor` keys included).
 */
export function parseJsonBodiesStrictly(app: FastifyInstance): void {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decoder.decode(body as Buffer);
    } catch {
      done(new HttpError(400, 'invalid_input', 'body: is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
