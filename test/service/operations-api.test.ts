import { expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  countRows,
  describeService,
  startTestService,
} from './support/service-under-test.js';

describeService('operations', (backend) => {
  it('answers /healthz and /readyz', async () => {
    const api = await startTestService(backend);
    expect(await api.request('GET', '/healthz')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await api.request('GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', store: backend },
    });
    const traced = await api.request('GET', '/healthz', {
      headers: { 'x-request-id': 'trace-42' },
    });
    expect(traced.headers.get('x-request-id')).toBe('trace-42');
    const untraced = await api.request('GET', '/healthz', {
      headers: { 'x-request-id': 'a b\tc' },
    });
    expect(untraced.headers.get('x-request-id')).toMatch(/^req-/);
  });

  it('exports Prometheus metrics labelled by route template and code, never by ids', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    await api.request('POST', '/v1/sessions/secret-session-id/messages', {
      token: key,
      body: { role: 'user', content: 'hi' },
    });
    await api.request('GET', '/v1/sessions/missing-session', { token: key });
    const metrics = await api.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = metrics.body as string;
    expect(text).toMatch(
      /convstore_http_request_duration_seconds_count\{method="POST",route="\/v1\/sessions\/:session_id\/messages",status="201"\} 1/,
    );
    // The store's instruments are the library's (OpenTelemetry): semantic-convention labels,
    // error_type only on failures.
    expect(text).toMatch(
      /^convstore_store_operation_duration_seconds_count\{convstore_store="\w+",db_system_name="postgresql",db_operation_name="append"\} 1$/m,
    );
    expect(text).toMatch(/convstore_http_errors_total\{code="not_found"\} 1/);
    // Only the /metrics request itself is in flight once the others have been answered.
    await expect
      .poll(
        async () =>
          /^convstore_http_requests_in_flight (\d+)$/m.exec(
            (await api.request('GET', '/metrics')).body,
          )?.[1],
      )
      .toBe('1');
    if (backend === 'hybrid') {
      // Only a store with a cache has cache instruments.
      expect(text).toContain('convstore_cache_hits_total');
      expect(text).toContain('convstore_cache_misses_total');
      expect(text).toMatch(/^convstore_cache_redis_up\{[^}]*\} 1$/m);
      // Reads are answered by the Redis cache once it holds the session (it fills on reads).
      const hits = async () => {
        await api.request('GET', '/v1/sessions/secret-session-id/messages', { token: key });
        const now = (await api.request('GET', '/metrics')).body as string;
        return Number(/^convstore_cache_hits_total\{[^}]*\} (\d+)/m.exec(now)?.[1]);
      };
      await expect.poll(hits, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
    }
    expect(text).not.toContain('secret-session-id');
    expect(text).not.toContain('missing-session');
  });

  it('serves the OpenAPI document of every route and the interactive docs', async () => {
    const api = await startTestService(backend);
    const spec = await api.request('GET', '/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    const paths = spec.body.paths as Record<string, Record<string, unknown>>;
    const routes = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /v1/admin/users',
        'DELETE /v1/admin/users/{user_id}',
        'POST /v1/admin/agents',
        'POST /v1/admin/cleanup',
        'GET /v1/agents',
        'POST /v1/sessions',
        'GET /v1/sessions',
        'GET /v1/sessions/{session_id}',
        'PATCH /v1/sessions/{session_id}',
        'DELETE /v1/sessions/{session_id}',
        'POST /v1/sessions/{session_id}/messages',
        'GET /v1/sessions/{session_id}/messages',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
      ]),
    );
    // The documented body is the schema that validates requests: one message or several.
    const append = paths['/v1/sessions/{session_id}/messages']!.post as {
      requestBody: {
        content: { 'application/json': { schema: { oneOf: Array<{ properties: object }> } } };
      };
    };
    const forms = append.requestBody.content['application/json'].schema.oneOf;
    expect(forms.map((form) => Object.keys(form.properties))).toEqual([
      ['agent_id', 'messages'],
      [
        'role',
        'content',
        'metadata',
        'message_id',
        'data',
        'format',
        'kind',
        'tool_call_ids',
        'tool_result_ids',
        'status',
        'usage',
        'token_count',
        'agent_id',
      ],
    ]);
    const docs = await fetch(`${api.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('reclaims expired sessions on POST /v1/admin/cleanup', async () => {
    const api = await startTestService(backend, { conversationTtl: 1 });
    const key = await api.newUser('alice');
    await api.request('POST', '/v1/sessions/short/messages', {
      token: key,
      body: {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
      },
    });
    await expect
      .poll(async () => (await api.request('GET', '/v1/sessions/short', { token: key })).status, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(404);
    const cleanup = await api.request('POST', '/v1/admin/cleanup?batch_size=10', {
      token: ADMIN_TOKEN,
    });
    expect(cleanup.status).toBe(200);
    expect(cleanup.body).toEqual({ sessions: 1, messages: 2 });
    const again = await api.request('POST', '/v1/admin/cleanup', { token: ADMIN_TOKEN });
    expect(again.body).toEqual({ sessions: 0, messages: 0 });
  });

  it('validates the body of POST /v1/admin/cleanup, cleaning nothing when it is refused', async () => {
    const api = await startTestService(backend, { conversationTtl: 1 });
    const key = await api.newUser('alice');
    await api.request('POST', '/v1/sessions/short/messages', {
      token: key,
      body: { role: 'user', content: 'a' },
    });
    await expect
      .poll(async () => (await api.request('GET', '/v1/sessions/short', { token: key })).status, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(404);
    const refused: Array<[string, unknown, string]> = [
      ['/v1/admin/cleanup', { batch_sise: 10 }, 'body: has a field that is not one of: batch_size'],
      ['/v1/admin/cleanup', { batch_size: 0 }, 'batch_size: must be >= 1'],
      ['/v1/admin/cleanup', { batch_size: '10' }, 'batch_size: must be integer'],
      ['/v1/admin/cleanup', [], 'body: must be object'],
      ['/v1/admin/cleanup?batch_size=5', { batch_size: 5 }, 'batch_size: give it in the body or'],
      ['/v1/admin/cleanup?dry_run=1', {}, 'query: has a parameter that is not one of: batch_size'],
    ];
    for (const [path, body, message] of refused) {
      const response = await api.request('POST', path, { token: ADMIN_TOKEN, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('invalid_input');
      expect(response.body.error.message, JSON.stringify(body)).toContain(message);
    }
    expect(await countRows(backend, api.schema, 'sessions')).toBe(1);
    const cleanup = await api.request('POST', '/v1/admin/cleanup', {
      token: ADMIN_TOKEN,
      body: { batch_size: 10 },
    });
    expect(cleanup.status).toBe(200);
    expect(cleanup.body).toEqual({ sessions: 1, messages: 1 });
  });

  it('runs cleanup on its own schedule when CLEANUP_INTERVAL is set', async () => {
    const api = await startTestService(backend, { conversationTtl: 1, cleanupIntervalSeconds: 1 });
    const key = await api.newUser('alice');
    await api.request('POST', '/v1/sessions/short/messages', {
      token: key,
      body: { role: 'user', content: 'a' },
    });
    expect(await countRows(backend, api.schema, 'sessions')).toBe(1);
    // No manual cleanup: the expired session's row disappears by the schedule alone.
    await expect
      .poll(() => countRows(backend, api.schema, 'sessions'), { timeout: 15_000, interval: 250 })
      .toBe(0);
    expect(await countRows(backend, api.schema, 'messages')).toBe(0);
  });

  it('rolls usage up on its own schedule, up to five minutes ago, when USAGE_ROLLUP_INTERVAL is set', async () => {
    const api = await startTestService(backend, { usageRollupIntervalSeconds: 1 });
    const key = await api.newUser('alice');
    await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: { role: 'user', content: 'a' },
    });
    // No manual roll-up: the watermark moves to (at most a minute short of) five minutes ago.
    const rolled = "rolled_until > now() - interval '6 minutes'";
    await expect
      .poll(() => countRows(backend, api.schema, 'usage_rollup_state', rolled), {
        timeout: 15_000,
        interval: 250,
      })
      .toBe(1);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const usage = await api.request('GET', `/v1/usage?from=${from}&to=${to}`, { token: key });
    expect(usage.status).toBe(200);
    expect(usage.body.rows[0].messages).toBe(1);
  });

  it('finishes requests in flight when closed, then refuses new connections', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const count = 20;
    let received = 0;
    api.handle.app.server.on('request', () => received++);
    const pending = Array.from({ length: count }, (_, i) =>
      api.request('POST', '/v1/sessions/s/messages', {
        token: key,
        body: { role: 'user', content: `m${i}`, message_id: `m${i}` },
      }),
    );
    await expect.poll(() => received, { timeout: 10_000, interval: 5 }).toBe(count);
    await api.handle.close();
    const responses = await Promise.all(pending);
    expect(responses.map((r) => r.status)).toEqual(Array(count).fill(201));
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();

    const reopened = await startTestService(backend, { schema: api.schema });
    const history = await reopened.request('GET', '/v1/sessions/s/messages', { token: key });
    expect(history.body.messages).toHaveLength(count);
  });
});
