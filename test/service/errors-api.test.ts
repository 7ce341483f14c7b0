import { Writable } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/servers.js';
import { describeService, execSql, startTestService } from './support/service-under-test.js';
import { startTcpProxy } from './support/tcp-proxy.js';

/** Collects the service's log lines. */
function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describeService('HTTP errors', (backend) => {
  it('answers 413 for a body over BODY_LIMIT_BYTES, writing nothing', async () => {
    const api = await startTestService(backend, { bodyLimitBytes: 2048 });
    const key = await api.newUser('alice');
    const response = await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: { role: 'user', content: 'x'.repeat(4096) },
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
    expect((await api.request('GET', '/v1/sessions/s', { token: key })).status).toBe(404);
  });

  it('answers 429 past RATE_LIMIT_MAX, counted per key', async () => {
    const api = await startTestService(backend, { rateLimitMax: 3, rateLimitWindowSeconds: 600 });
    const alice = await api.newUser('alice');
    const bob = await api.newUser('bob');
    for (let i = 0; i < 3; i++) {
      expect((await api.request('GET', '/v1/sessions', { token: alice })).status).toBe(200);
    }
    const limited = await api.request('GET', '/v1/sessions', { token: alice });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.request('GET', '/v1/sessions', { token: bob })).status).toBe(200);
    // Health and metrics stay reachable for the orchestrator.
    for (let i = 0; i < 5; i++) expect((await api.request('GET', '/healthz')).status).toBe(200);
  });

  it('answers malformed requests with a JSON error that quotes nothing of the request', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const notJson = await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      rawBody: '{"role":"user","content": SECRET-WORDS',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_input');
    expect(JSON.stringify(notJson.body)).not.toContain('SECRET');

    const text = await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      rawBody: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');

    const badUrl = await api.request('GET', '/v1/sessions/%E0%A4%A/messages', { token: key });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.code).toBe('invalid_input');
    const badId = await api.request('GET', '/v1/sessions/a%20b', { token: key });
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toBe(
      'session_id: must be 1-128 characters from A-Z a-z 0-9 . _ : @ -',
    );

    const route = await api.request('GET', '/v1/nowhere', { token: key });
    expect(route.status).toBe(404);
    expect(route.body).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });

  it('logs request ids, routes, statuses and codes, never message text or credentials', async () => {
    const { lines, stream } = logSink();
    const api = await startTestService(
      backend,
      { logLevel: 'info', maxContentBytes: 100 },
      { logStream: stream },
    );
    const key = await api.newUser('alice');
    const secret = 'SECRET-CONTENT-4711';
    await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: { role: 'user', content: secret, metadata: { note: secret } },
    });
    await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: { role: 'user', content: `${secret} ${'x'.repeat(200)}` },
    });
    await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: { role: `${secret}`, content: secret },
    });
    await api.request('POST', '/v1/sessions/s/messages', { token: key, rawBody: `{${secret}` });
    await api.request('GET', '/v1/sessions/s/messages', { token: key });

    const requestLines = lines.map((line) => JSON.parse(line)).filter((l) => l.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(6);
    expect(requestLines).toContainEqual(
      expect.objectContaining({
        route: '/v1/sessions/:session_id/messages',
        method: 'POST',
        status: 400,
        code: 'invalid_input',
        reqId: expect.any(String),
      }),
    );
    const all = lines.join('\n');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(key);
  });
});

describe.skipIf(!inject('postgresAvailable'))('store unavailable [postgres]', () => {
  it('answers 503 while PostgreSQL is unreachable and recovers, losing nothing acknowledged', async () => {
    const target = new URL(TEST_DATABASE_URL);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    try {
      const via = new URL(TEST_DATABASE_URL);
      via.hostname = '127.0.0.1';
      via.port = String(proxy.port);
      const api = await startTestService('postgres', {
        databaseUrl: via.toString(),
        readyTimeoutMs: 1000,
      });
      const key = await api.newUser('alice');
      const append = (content: string) =>
        api.request('POST', '/v1/sessions/s/messages', {
          token: key,
          body: { role: 'user', content },
        });
      expect((await append('before')).status).toBe(201);
      expect((await api.request('GET', '/readyz')).status).toBe(200);

      await proxy.cut();
      const ready = await api.request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('unavailable');
      const refused = await append('during');
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('unavailable');
      // An unknown key cannot be checked either: 503, not a misleading 401.
      const unchecked = await api.request('GET', '/v1/sessions', { token: 'csk_not-cached' });
      expect(unchecked.status).toBe(503);

      await proxy.restore();
      await expect
        .poll(async () => (await api.request('GET', '/readyz')).status, { timeout: 15_000 })
        .toBe(200);
      expect((await append('after')).status).toBe(201);
      const history = await api.request('GET', '/v1/sessions/s/messages', { token: key });
      expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual([
        'before',
        'after',
      ]);
    } finally {
      await proxy.close();
    }
  });
});

for (const backend of ['pglite', 'postgres'] as const) {
  const available = backend === 'pglite' || inject('postgresAvailable');
  describe.skipIf(!available)(`server faults [${backend}]`, () => {
    it('answers 500 with a code and no stack trace, and logs codes only', async () => {
      const { lines, stream } = logSink();
      const api = await startTestService(backend, { logLevel: 'info' }, { logStream: stream });
      const key = await api.newUser('alice');
      await api.request('POST', '/v1/sessions/s/messages', {
        token: key,
        body: { role: 'user', content: 'SECRET-FAULT-TEXT' },
      });
      // Break the database behind the service's back: the messages table disappears.
      await execSql(backend, `DROP TABLE "${api.schema}".messages CASCADE`);
      const response = await api.request('GET', '/v1/sessions/s/messages', { token: key });
      expect(response.status).toBe(500);
      expect(response.body.error.code).toBe('internal');
      expect(Object.keys(response.body.error)).toEqual(['code', 'message']);
      expect(JSON.stringify(response.body)).not.toMatch(/\bat \S+ \(|stack|SECRET/);
      const failure = lines.map((line) => JSON.parse(line)).find((l) => l.msg === 'request failed');
      expect(failure).toMatchObject({ code: 'internal', cause_code: '42P01' });
      expect(lines.join('\n')).not.toContain('SECRET-FAULT-TEXT');
      const metrics = await api.request('GET', '/metrics');
      expect(metrics.body).toContain('convstore_http_errors_total{code="internal"} 1');
    });
  });
}
