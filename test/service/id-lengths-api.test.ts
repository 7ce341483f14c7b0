import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeService, startTestService } from './support/service-under-test.js';

/** An id of `length` characters using every character the id rule allows. */
function idOf(length: number, seed: string): string {
  const alphabet = `${seed}-Az09._:@`;
  let id = '';
  while (id.length < length) id += alphabet;
  return id.slice(0, length);
}

describeService('ids of every allowed length', (backend) => {
  // Fastify's router refuses path parameters over 100 characters by default; ids may have 128.
  it.each([101, 128])('serves %i-character user and session ids on every route', async (n) => {
    const api = await startTestService(backend);
    const userId = idOf(n, 'user');
    const sessionId = idOf(n, 'sess');
    const key = await api.newUser(userId);
    const path = `/v1/sessions/${encodeURIComponent(sessionId)}`;

    const created = await api.request('POST', '/v1/sessions', {
      token: key,
      body: { session_id: sessionId, agent_id: idOf(n, 'agent') },
    });
    expect(created.status).toBe(201);
    expect(created.body.session).toMatchObject({ session_id: sessionId, user_id: userId });
    const appended = await api.request('POST', `${path}/messages`, {
      token: key,
      body: { role: 'user', content: 'hi', message_id: idOf(n, 'msg') },
    });
    expect(appended.status).toBe(201);
    expect(appended.body.messages[0].message_id).toBe(idOf(n, 'msg'));
    const history = await api.request('GET', `${path}/messages?last=5`, { token: key });
    expect(history.status).toBe(200);
    expect(history.body.messages).toHaveLength(1);
    expect((await api.request('GET', path, { token: key })).body.session.last_seq).toBe(1);
    const patched = await api.request('PATCH', path, { token: key, body: { title: 't' } });
    expect(patched.status).toBe(200);
    const listed = await api.request('GET', '/v1/sessions', { token: key });
    expect(listed.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([
      sessionId,
    ]);
    expect((await api.request('DELETE', path, { token: key })).status).toBe(204);

    await api.request('POST', `${path}/messages`, {
      token: key,
      body: { role: 'user', content: 'x' },
    });
    const erased = await api.request('DELETE', `/v1/admin/users/${encodeURIComponent(userId)}`, {
      token: ADMIN_TOKEN,
    });
    expect(erased.status).toBe(200);
    expect(erased.body.deleted).toEqual({ sessions: 1, messages: 1 });
    expect((await api.request('GET', '/v1/sessions', { token: key })).status).toBe(401);
  });

  it.each([129, 300, 5000])(
    'answers 400 invalid_input to %i-character path ids, never 500',
    async (n) => {
      const api = await startTestService(backend);
      const key = await api.newUser('alice');
      const long = encodeURIComponent(idOf(n, 'x'));
      const calls: Array<[string, string, string, unknown?]> = [
        ['GET', `/v1/sessions/${long}`, key],
        ['PATCH', `/v1/sessions/${long}`, key, { title: 't' }],
        ['DELETE', `/v1/sessions/${long}`, key],
        ['POST', `/v1/sessions/${long}/messages`, key, { role: 'user', content: 'x' }],
        ['GET', `/v1/sessions/${long}/messages`, key],
        ['DELETE', `/v1/admin/users/${long}`, ADMIN_TOKEN],
      ];
      for (const [method, path, token, body] of calls) {
        const response = await api.request(method, path, { token, body });
        expect({ method, path: path.slice(0, 30), status: response.status }).toEqual({
          method,
          path: path.slice(0, 30),
          status: 400,
        });
        expect(response.body.error.code).toBe('invalid_input');
        expect(response.body.error.message).toMatch(/_id: must be 1-128 characters/);
      }
      // Nothing was written: alice still has no session.
      expect((await api.request('GET', '/v1/sessions', { token: key })).body.sessions).toEqual([]);
      const metrics = await api.request('GET', '/metrics');
      expect(metrics.body).not.toMatch(/convstore_http_errors_total\{code="internal"\}/);
    },
  );
});
