import type { FastifyInstance } from 'fastify';
import { USAGE_GROUPS, type UsageGroup } from '../../contract/usage.js';
import { usageRowToWire } from '../../wire/usage.js';
import { callerId, type RouteContext } from '../http/route-context.js';

interface UsageQuery {
  from: string;
  to: string;
  group_by?: string;
  time_zone?: string;
  user_id?: string;
}

/** GET /v1/usage (the caller's own) and GET /v1/admin/usage (everyone, or one user). */
export function registerUsageRoutes(app: FastifyInstance, { store, schemas }: RouteContext): void {
  const { errors } = schemas;
  const unsupported = schemas.errorAnswer('unsupported: the redis store keeps no history');
  const count = { type: 'integer' };
  const row = {
    type: 'object',
    properties: {
      day: { type: 'string', description: 'YYYY-MM-DD in time_zone' },
      agent_id: { type: 'string', nullable: true },
      model: { type: 'string', nullable: true },
      user_id: { type: 'string' },
      sessions: count,
      active_sessions: count,
      messages: count,
      messages_by_role: {
        type: 'object',
        properties: { system: count, user: count, assistant: count, tool: count },
      },
      input_tokens: count,
      output_tokens: count,
      reasoning_tokens: count,
      cached_input_tokens: count,
      active_users: count,
      latency_p50_ms: { type: 'number', nullable: true },
      latency_p95_ms: { type: 'number', nullable: true },
    },
  };
  const reply = {
    type: 'object',
    properties: { rows: { type: 'array', items: row } },
    required: ['rows'],
  };
  const query = (admin: boolean) => ({
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: {
      from: {
        type: 'string',
        maxLength: 64,
        description: 'start (inclusive), ISO 8601',
        examples: ['2026-01-01'],
      },
      to: {
        type: 'string',
        maxLength: 64,
        description: 'end (exclusive)',
        examples: ['2030-01-01'],
      },
      group_by: {
        type: 'string',
        maxLength: 64,
        description: `comma-separated: ${USAGE_GROUPS.join(', ')}`,
        examples: [admin ? 'user,model' : 'day,model'],
      },
      time_zone: {
        type: 'string',
        maxLength: 64,
        description: 'IANA zone days are counted in (default UTC)',
        examples: ['Europe/Lisbon'],
      },
      ...(admin && {
        user_id: { type: 'string', maxLength: 128, description: 'one user only' },
      }),
    },
  });
  const ask = async (q: UsageQuery, userId: string | undefined) => {
    const report = await store.usage({
      ...(userId !== undefined && { userId }),
      from: q.from,
      to: q.to,
      groupBy: parseGroups(q.group_by),
      ...(q.time_zone !== undefined && { timeZone: q.time_zone }),
    });
    return { rows: report.rows.map(usageRowToWire) };
  };

  app.get<{ Querystring: UsageQuery }>(
    '/v1/usage',
    {
      config: { access: 'user' },
      schema: {
        summary: "The caller's own usage: messages, tokens, sessions, latency",
        description: 'unsupported (501) on a redis store: it keeps no history.',
        tags: ['usage'],
        querystring: query(false),
        response: { 200: reply, ...errors(400, 401, 403, 429, 503), 501: unsupported },
      },
    },
    async (request) => ask(request.query, callerId(request)),
  );

  app.get<{ Querystring: UsageQuery }>(
    '/v1/admin/usage',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Everyone’s usage: per user, agent, model, and active users per day',
        tags: ['admin', 'usage'],
        querystring: query(true),
        response: { 200: reply, ...errors(400, 401, 403, 429, 503), 501: unsupported },
      },
    },
    async (request) => ask(request.query, request.query.user_id),
  );
}

/** group_by=day,model -> ['day', 'model']; unknown names reach the validator, which names them. */
function parseGroups(value: string | undefined): UsageGroup[] {
  if (value === undefined || value === '') return [];
  return value.split(',').map((part) => part.trim()) as UsageGroup[];
}
