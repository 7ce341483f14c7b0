import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeService, startTestService } from './support/service-under-test.js';

interface Parameter {
  in: 'path' | 'query';
  name: string;
  example?: unknown;
}
interface Operation {
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: {
    content: Record<string, { example?: unknown; examples?: Record<string, { value: unknown }> }>;
  };
  responses: Record<string, unknown>;
}

/**
 * Every documented operation, in an order in which each one's examples work against a fresh
 * service (the user is created before their session, the session before its messages...).
 */
const ORDER = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'POST /v1/admin/users',
  'POST /v1/admin/agents',
  'GET /v1/agents',
  'POST /v1/sessions',
  'GET /v1/sessions',
  'GET /v1/sessions/{session_id}',
  'PATCH /v1/sessions/{session_id}',
  'POST /v1/sessions/{session_id}/messages',
  'GET /v1/sessions/{session_id}/messages',
  'PATCH /v1/sessions/{session_id}/messages/{message_id}',
  'POST /v1/sessions/{session_id}/transactions',
  'POST /v1/sessions/{session_id}/drafts',
  'PUT /v1/sessions/{session_id}/drafts/{message_id}',
  'POST /v1/sessions/{session_id}/drafts/{message_id}/finalize',
  'GET /v1/sessions/{session_id}/messages/{message_id}/events',
  'POST /v1/sessions/{session_id}/messages/pop',
  'POST /v1/sessions/{session_id}/truncate',
  'POST /v1/sessions/{session_id}/messages/delete',
  'DELETE /v1/sessions/{session_id}/messages',
  'GET /v1/search',
  'GET /v1/export',
  'GET /v1/usage',
  'GET /v1/admin/usage',
  'DELETE /v1/sessions/{session_id}',
  'POST /v1/admin/cleanup',
  'GET /v1/admin/users/{user_id}/export',
  'DELETE /v1/admin/users/{user_id}',
];

/** The status an example documents: the operation's success (201 over a retry's 200). */
function successStatus(operation: Operation): number {
  const codes = Object.keys(operation.responses).map(Number);
  const success = [201, 204, 200].find((code) => codes.includes(code));
  if (success === undefined) throw new Error('no success status documented');
  return success;
}

describeService('the OpenAPI document', (backend) => {
  it('names the shared schemas and lists the error answers of every route', async () => {
    const api = await startTestService(backend);
    const spec = (await api.request('GET', '/openapi.json')).body;
    expect(Object.keys(spec.components.schemas)).toEqual(
      expect.arrayContaining(['Session', 'Message', 'Agent', 'Error']),
    );
    const paths = spec.paths as Record<string, Record<string, Operation>>;
    const error = { $ref: '#/components/schemas/Error' };
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(operation.responses).map(Number);
        if (path.startsWith('/v1/')) {
          // Every authenticated route: credentials, the rate limit and the store can refuse it.
          expect(statuses, name).toEqual(expect.arrayContaining([401, 429, 503]));
          if (operation.requestBody) {
            expect(statuses, name).toEqual(expect.arrayContaining([400, 413, 415]));
          }
          if (path.includes('{session_id}') && method !== 'post') {
            expect(statuses, name).toContain(404);
          }
        }
        for (const status of statuses.filter((code) => code >= 400)) {
          const answer = operation.responses[status] as {
            content: Record<string, { schema: unknown }>;
          };
          expect(answer.content['application/json']!.schema, `${name} ${status}`).toEqual(error);
        }
      }
    }
    expect(paths['/v1/sessions']!.post!.responses).toHaveProperty('409');
    expect(paths['/v1/admin/cleanup']!.post!.responses).toHaveProperty('409');
    const append = paths['/v1/sessions/{session_id}/messages']!.post!;
    const schema = append.requestBody!.content['application/json'] as unknown as {
      schema: { oneOf: unknown[] };
    };
    expect(schema.schema.oneOf).toHaveLength(2);
  });

  it('answers each documented example with its documented status', async () => {
    const api = await startTestService(backend);
    const spec = (await api.request('GET', '/openapi.json')).body;
    const paths = spec.paths as Record<string, Record<string, Operation>>;
    const documented = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    // A route added without a place in ORDER fails here, so that it gets an example too.
    expect([...documented].sort()).toEqual([...ORDER].sort());

    let userKey: string | null = null;
    for (const name of ORDER) {
      const [method, template] = name.split(' ') as [string, string];
      const operation = paths[template]![method.toLowerCase()]!;
      let path = template;
      const query = new URLSearchParams();
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path') {
          expect(parameter.example, `${name}: example of ${parameter.name}`).toBeDefined();
          path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(parameter.example)));
        } else if (parameter.example !== undefined) {
          query.set(parameter.name, String(parameter.example));
        }
      }
      const url = query.size > 0 ? `${path}?${query}` : path;
      const media = operation.requestBody?.content['application/json'];
      const bodies = media
        ? media.examples
          ? Object.values(media.examples).map((example) => example.value)
          : [media.example]
        : [undefined];
      if (media) expect(bodies[0], `${name}: a body example`).toBeDefined();
      const token: string | null = operation.tags?.includes('admin')
        ? ADMIN_TOKEN
        : operation.tags?.includes('health')
          ? null
          : userKey;
      for (const body of bodies) {
        const response: { status: number; body: { api_key?: string } } = await api.request(
          method,
          url,
          { token, body },
        );
        expect({ name, body, status: response.status }).toEqual({
          name,
          body,
          status: successStatus(operation),
        });
        if (name === 'POST /v1/admin/users') userKey = response.body.api_key ?? null;
      }
      if (token !== null) {
        // Without credentials: 401, which the document lists too.
        const refused = await api.request(method, url, { body: bodies[0] });
        expect(refused.status, name).toBe(401);
        expect(Object.keys(operation.responses)).toContain('401');
      }
    }
  });
});
