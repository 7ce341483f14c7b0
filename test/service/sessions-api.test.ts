import { expect, it } from 'vitest';
import { countRows, describeService, startTestService } from './support/service-under-test.js';

describeService('sessions API', (backend) => {
  it('creates a session (201), refuses the same id again (409) and generates ids', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const created = await api.request('POST', '/v1/sessions', {
      token: key,
      body: { session_id: 'trip', title: 'Lisbon', metadata: { lang: 'pt' }, agent_id: 'guide' },
    });
    expect(created.status).toBe(201);
    expect(created.body.session).toMatchObject({
      session_id: 'trip',
      user_id: 'alice',
      agent_id: 'guide',
      title: 'Lisbon',
      metadata: { lang: 'pt' },
      last_seq: 0,
      message_count: 0,
      expires_at: null,
    });
    expect(Date.parse(created.body.session.created_at)).not.toBeNaN();

    const again = await api.request('POST', '/v1/sessions', {
      token: key,
      body: { session_id: 'trip' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');

    const generated = await api.request('POST', '/v1/sessions', { token: key });
    expect(generated.status).toBe(201);
    expect(generated.body.session.session_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('writes no agent for a refused PATCH (404) or create (409)', async () => {
    const api = await startTestService(backend);
    const alice = await api.newUser('alice');
    const bob = await api.newUser('bob');
    await api.request('POST', '/v1/sessions', { token: alice, body: { session_id: 's' } });
    const missing = await api.request('PATCH', '/v1/sessions/nope', {
      token: alice,
      body: { agent_id: 'label-missing' },
    });
    expect(missing.status).toBe(404);
    const foreign = await api.request('PATCH', '/v1/sessions/s', {
      token: bob,
      body: { agent_id: 'label-foreign' },
    });
    expect(foreign.status).toBe(404);
    const conflict = await api.request('POST', '/v1/sessions', {
      token: alice,
      body: { session_id: 's', agent_id: 'label-conflict' },
    });
    expect(conflict.status).toBe(409);
    expect(await countRows(backend, api.schema, 'agents')).toBe(0);
    const session = await api.request('GET', '/v1/sessions/s', { token: alice });
    expect(session.body.session.agent_id).toBeNull();
  });

  it('reads, updates and deletes a session; gone is 404', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    await api.request('POST', '/v1/sessions', { token: key, body: { session_id: 's1' } });

    const read = await api.request('GET', '/v1/sessions/s1', { token: key });
    expect(read.status).toBe(200);
    expect(read.body.session.session_id).toBe('s1');

    const patched = await api.request('PATCH', '/v1/sessions/s1', {
      token: key,
      body: { title: 'renamed', metadata: { pinned: true } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.session).toMatchObject({ title: 'renamed', metadata: { pinned: true } });

    const deleted = await api.request('DELETE', '/v1/sessions/s1', { token: key });
    expect(deleted.status).toBe(204);
    expect((await api.request('GET', '/v1/sessions/s1', { token: key })).status).toBe(404);
    expect((await api.request('DELETE', '/v1/sessions/s1', { token: key })).status).toBe(404);
    const patchGone = await api.request('PATCH', '/v1/sessions/s1', {
      token: key,
      body: { title: 'x' },
    });
    expect(patchGone.status).toBe(404);
    expect(patchGone.body.error.code).toBe('not_found');
  });

  it('lists sessions newest activity first, page by page', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    for (const id of ['a', 'b', 'c']) {
      await api.request('POST', `/v1/sessions/${id}/messages`, {
        token: key,
        body: { role: 'user', content: id },
      });
    }
    const first = await api.request('GET', '/v1/sessions?limit=2', { token: key });
    expect(first.status).toBe(200);
    expect(first.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([
      'c',
      'b',
    ]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await api.request(
      'GET',
      `/v1/sessions?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`,
      { token: key },
    );
    expect(second.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual(['a']);
    expect(second.body.next_cursor).toBeNull();

    const badCursor = await api.request('GET', '/v1/sessions?cursor=not-a-cursor', { token: key });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toContain('cursor');
  });

  it('refuses bad session input with 400 naming the field, and writes nothing', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const cases: Array<[unknown, string]> = [
      [{ session_id: 'has space' }, 'session_id'],
      [{ session_id: 's', colour: 'red' }, 'body: has a field that is not one of: session_id'],
      [{ session_id: 's', metadata: [1, 2] }, 'metadata'],
      [{ session_id: 's', title: 42 }, 'title'],
    ];
    for (const [body, field] of cases) {
      const response = await api.request('POST', '/v1/sessions', { token: key, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('invalid_input');
      expect(response.body.error.message).toContain(field);
    }
    const list = await api.request('GET', '/v1/sessions', { token: key });
    expect(list.body.sessions).toEqual([]);
    const badLimit = await api.request('GET', '/v1/sessions?limit=0', { token: key });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toContain('limit');
  });
});
