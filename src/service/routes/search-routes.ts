import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../contract/errors.js';
import { ID_PATTERN } from '../../contract/limits.js';
import { MAX_QUERY_CHARS, MAX_SEARCH_LIMIT, type SearchHit } from '../../contract/search.js';
import { ROLES, type Role } from '../../contract/types.js';
import { callerId, type RouteContext } from '../http/route-context.js';

interface SearchQuery {
  q: string;
  session_id?: string;
  role?: Role;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** GET /v1/search: the caller's own messages only (the user comes from the credentials). */
export function registerSearchRoutes(app: FastifyInstance, { store, schemas }: RouteContext): void {
  const hit = {
    type: 'object',
    properties: {
      session_id: { type: 'string' },
      seq: { type: 'integer' },
      message_id: { type: 'string' },
      role: { type: 'string', enum: [...ROLES] },
      created_at: { type: 'string', format: 'date-time' },
      snippet: {
        type: 'string',
        description: 'HTML-escaped excerpt, each match wrapped in <mark>…</mark>',
      },
      rank: { type: 'number', description: 'higher is better, within one search' },
    },
    required: ['session_id', 'seq', 'message_id', 'role', 'created_at', 'snippet', 'rank'],
  };
  const instant = (description: string) => ({ type: 'string', maxLength: 64, description });

  app.get<{ Querystring: SearchQuery }>(
    '/v1/search',
    {
      config: { access: 'user' },
      schema: {
        summary: "Full-text search over the caller's messages, best first",
        description:
          'q takes web-search syntax: words (all must match), "quoted phrases", -word to ' +
          'exclude, `or` between alternatives. Accents are folded; Chinese, Japanese and Korean ' +
          'are matched by substring. 501 (unsupported) on the redis store.',
        tags: ['search'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: {
              type: 'string',
              minLength: 1,
              maxLength: MAX_QUERY_CHARS * 4,
              examples: ['"lisbon hotel" -budget'],
            },
            session_id: { type: 'string', pattern: ID_PATTERN.source },
            role: { type: 'string', enum: [...ROLES] },
            from: instant('ISO 8601 time: messages created at or after it'),
            to: instant('ISO 8601 time: messages created before it'),
            limit: { type: 'integer', minimum: 1, maximum: MAX_SEARCH_LIMIT },
            cursor: { type: 'string', maxLength: 512, description: 'next_cursor of the last page' },
          },
          required: ['q'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              hits: { type: 'array', items: hit },
              next_cursor: { type: 'string', nullable: true },
            },
            required: ['hits', 'next_cursor'],
          },
          ...schemas.errors(400, 401, 403, 429, 501, 503),
        },
      },
    },
    async (request) => {
      const { q, session_id, role, from, to, limit, cursor } = request.query;
      const page = await store.search({
        userId: callerId(request),
        query: q,
        ...(session_id !== undefined && { sessionId: session_id }),
        ...(role !== undefined && { role }),
        ...(from !== undefined && { from: parseInstant('from', from) }),
        ...(to !== undefined && { to: parseInstant('to', to) }),
        ...(limit !== undefined && { limit }),
        ...(cursor !== undefined && { cursor }),
      });
      return { hits: page.hits.map(hitJson), next_cursor: page.nextCursor };
    },
  );
}

function hitJson(hit: SearchHit) {
  return {
    session_id: hit.sessionId,
    seq: hit.seq,
    message_id: hit.messageId,
    role: hit.role,
    created_at: hit.createdAt.toISOString(),
    snippet: hit.snippet,
    rank: hit.rank,
  };
}

/** An ISO 8601 date or date-time; anything Date would guess at (e.g. "5") is refused. */
function parseInstant(field: string, text: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw ValidationError.field(field, 'must be an ISO 8601 date or date-time');
  }
  return date;
}
