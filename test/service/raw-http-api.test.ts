import { describe, expect, it } from 'vitest';
import { sendRaw, type RawResponse } from './support/raw-http.js';
import { startTestService, type TestService } from './support/service-under-test.js';

const SECRET = 'SECRET-CLIENT-BYTES';

/** The documented error shape, exactly: nothing else, nothing quoted from the request. */
function expectError(response: RawResponse, status: number, code: string): void {
  expect({ status: response.status, type: response.headers['content-type'] }).toEqual({
    status,
    type: 'application/json; charset=utf-8',
  });
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(response.text).not.toContain(SECRET);
}

async function setUp(): Promise<{ api: TestService; auth: string }> {
  const api = await startTestService('pglite');
  const key = await api.newUser('alice');
  return { api, auth: `Authorization: Bearer ${key}\r\n` };
}

// Node's HTTP parser and Fastify's router refuse these before any route runs; they are the same
// on every store, so one store is enough.
describe('errors raised before a route runs [pglite]', () => {
  it('answers oversize headers with 431 headers_too_large', async () => {
    const { api } = await setUp();
    const response = await sendRaw(
      api.url,
      `GET /v1/sessions HTTP/1.1\r\nHost: x\r\nX-Big: ${SECRET}${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expectError(response, 431, 'headers_too_large');
  });

  it.each([
    ['a malformed request line', `${SECRET} \r\n\r\n`],
    ['an unknown HTTP version', 'GET /v1/sessions HTTP/9.9\r\nHost: x\r\n\r\n'],
    ['a malformed header', `GET /v1/sessions HTTP/1.1\r\nHost: x\r\nBad ${SECRET}: y\r\n\r\n`],
    [
      'bad chunked encoding',
      'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Transfer-Encoding: chunked\r\n\r\nzz\r\n{"title":"${SECRET}"}\r\n0\r\n\r\n`,
    ],
    [
      'both Content-Length and chunked encoding',
      'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    ],
  ])('answers %s with 400 invalid_input', async (_name, request) => {
    const { api } = await setUp();
    expectError(await sendRaw(api.url, request), 400, 'invalid_input');
  });

  it('answers non-ASCII bytes in the path with 400 invalid_input', async () => {
    const { api, auth } = await setUp();
    for (const bytes of [[0xc3, 0xa9], [0xff]]) {
      const request = Buffer.concat([
        Buffer.from(`GET /v1/sessions/${SECRET}`),
        Buffer.from(bytes),
        Buffer.from(` HTTP/1.1\r\nHost: x\r\n${auth}\r\n`),
      ]);
      expectError(await sendRaw(api.url, request), 400, 'invalid_input');
    }
    // Percent-encoding that is not UTF-8 reaches the router, which refuses it the same way.
    const encoded = `GET /v1/sessions/%E0%A4%A${SECRET} HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`;
    expectError(await sendRaw(api.url, encoded), 400, 'invalid_input');
  });

  it('answers unsupported content types with 415 and body parse errors with 400', async () => {
    const { api, auth } = await setUp();
    const post = (type: string | null, body: string | Buffer) =>
      sendRaw(
        api.url,
        Buffer.concat([
          Buffer.from(
            `POST /v1/sessions/s/messages HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n` +
              (type === null ? '' : `Content-Type: ${type}\r\n`) +
              `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
          ),
          Buffer.from(body),
        ]),
      );
    const message = JSON.stringify({ role: 'user', content: SECRET });
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', null]) {
      expectError(await post(type, message), 415, 'unsupported_media_type');
    }
    expectError(
      await post('application/json', `{"role":"user","content":${SECRET}`),
      400,
      'invalid_input',
    );
    expectError(await post('application/json', '{"__proto__":{"x":1}}'), 400, 'invalid_input');
    const empty = await post('application/json', '');
    expectError(empty, 400, 'invalid_input');
    // Nothing of it was stored.
    const history = await api.request('GET', '/v1/sessions/s/messages', {
      token: auth.slice('Authorization: Bearer '.length).trim(),
    });
    expect(history.status).toBe(404);
  });

  it('counts every one of these answers in /metrics', async () => {
    const { api } = await setUp();
    await sendRaw(
      api.url,
      `GET /v1/sessions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    await sendRaw(api.url, 'NOT HTTP\r\n\r\n');
    await sendRaw(
      api.url,
      'GET /v1/sessions/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const metrics = await api.request('GET', '/metrics');
    expect(metrics.body).toContain('convstore_http_errors_total{code="headers_too_large"} 1');
    expect(metrics.body).toContain('convstore_http_errors_total{code="invalid_input"} 2');
  });
});

describe('invalid UTF-8 in a request body [pglite]', () => {
  it.each([
    ['ff fe', [0xff, 0xfe]],
    ['an overlong c0 af', [0xc0, 0xaf]],
    ['a CESU-8 surrogate ed a0 80', [0xed, 0xa0, 0x80]],
  ])('refuses %s with 400 invalid_input, storing nothing', async (_name, bytes) => {
    const { api, auth } = await setUp();
    const token = auth.slice('Authorization: Bearer '.length).trim();
    const body = Buffer.concat([
      Buffer.from('{"role":"user","content":"a'),
      Buffer.from(bytes),
      Buffer.from('b"}'),
    ]);
    const response = await fetch(`${api.url}/v1/sessions/s/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'invalid_input', message: 'body: is not valid UTF-8' },
    });
    // Invalid bytes inside a metadata key, on another route, the same.
    const session = await fetch(`${api.url}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: Buffer.concat([
        Buffer.from('{"metadata":{"'),
        Buffer.from(bytes),
        Buffer.from('":1}}'),
      ]),
    });
    expect(session.status).toBe(400);
    const sessions = await api.request('GET', '/v1/sessions', { token });
    expect(sessions.body.sessions).toEqual([]);
    // Valid multi-byte text still goes through as sent.
    const valid = await api.request('POST', '/v1/sessions/s/messages', {
      token,
      body: { role: 'user', content: 'çé 😀' },
    });
    expect(valid.status).toBe(201);
    const history = await api.request('GET', '/v1/sessions/s/messages', { token });
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual(['çé 😀']);
  });
});
