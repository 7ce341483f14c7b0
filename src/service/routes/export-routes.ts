import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ConversationStore } from '../../contract/store.js';
import { exportLines } from '../../jobs/portability/export-data.js';
import { callerId, type RouteContext } from '../http/route-context.js';

const NDJSON = 'application/x-ndjson';

/**
 * GET /v1/export (the caller's own data, for portability) and GET /v1/admin/users/:user_id/export
 * (an admin's copy before erasing a user): NDJSON in the format `convstore import` reads,
 * streamed a page at a time. A store that cannot export answers 501 before anything is sent; a
 * failure mid-stream cuts the body short, and the missing end line tells the reader so.
 */
export function registerExportRoutes(app: FastifyInstance, { store, schemas }: RouteContext): void {
  const errors = schemas.errors(401, 403, 429, 501, 503);
  // The answer is a stream of lines; its errors stay JSON (the Error schema), so the media type
  // is named on the 200 alone.
  const ndjson = {
    description: 'NDJSON: a header line, sessions and their messages, an end line',
    content: { [NDJSON]: { schema: { type: 'string' } } },
  };
  const description =
    'One JSON object per line: a header, then each session followed by its messages (every ' +
    'field), then {"type":"end",...}. `convstore import --in <file>` reads it back.';

  app.get(
    '/v1/export',
    {
      config: { access: 'user' },
      schema: {
        summary: "Every session and message of the caller's, as NDJSON",
        description,
        tags: ['export'],
        response: { 200: ndjson, ...errors },
      },
    },
    async (request, reply) => streamExport(reply, store, callerId(request)),
  );

  app.get<{ Params: { user_id: string } }>(
    '/v1/admin/users/:user_id/export',
    {
      config: { access: 'admin' },
      schema: {
        summary: "Every session and message of a user's, as NDJSON (before erasing them)",
        description,
        tags: ['admin'],
        params: schemas.userParams,
        response: { 200: ndjson, ...schemas.errors(400, 401, 403, 429, 501, 503) },
      },
    },
    async (request, reply) => streamExport(reply, store, request.params.user_id),
  );
}

function streamExport(reply: FastifyReply, store: ConversationStore, userId: string) {
  // Built before the reply starts, so an unsupported store is a 501 and not a cut stream.
  const lines = exportLines(store, { userId });
  return reply
    .type(NDJSON)
    .header('content-disposition', `attachment; filename="convstore-${userId}.ndjson"`)
    .send(Readable.from(lines));
}
