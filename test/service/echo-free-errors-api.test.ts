import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeService, startTestService } from './support/service-under-test.js';

const SECRET = 'SECRET';

/** Metadata nested `depth` levels deep, every key the client's own text. */
function deep(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = depth; i > 0; i--) value = { [`${SECRET}-key-${i}`]: value };
  return value;
}

describeService('error messages quote nothing the client sent', (backend) => {
  it('names the field and the rule only, for bodies, queries and nested metadata', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/v1/sessions', { metadata: deep(40) }, 'metadata: nested deeper than 32 levels'],
      [
        'POST',
        '/v1/sessions/s/messages',
        {
          role: 'user',
          content: 'x',
          metadata: { [`${SECRET}-a`]: { [`${SECRET}-b`]: 'n\u0000l' } },
        },
        'metadata: a value contains a NUL character',
      ],
      [
        'POST',
        '/v1/sessions/s/messages',
        { messages: [{ role: 'user', content: 'x', metadata: { [`${SECRET}\ud800`]: 1 } }] },
        'messages.0.metadata: a key is not valid UTF-8 (lone surrogate)',
      ],
      [
        'PATCH',
        '/v1/sessions/s',
        { metadata: { [SECRET]: [[{ [SECRET]: Number.MAX_VALUE }], deep(33)] } },
        'metadata: nested deeper than 32 levels',
      ],
      [
        'POST',
        '/v1/sessions/s/messages',
        { role: 'user', content: 'x', [SECRET]: true },
        'body: has a field that is not one of: role, content, metadata, message_id, data, format, kind, tool_call_ids, tool_result_ids, status, usage, token_count, agent_id',
      ],
      [
        'POST',
        '/v1/sessions/s/messages',
        { messages: [{ role: 'user', content: 'x', [`${SECRET}-field`]: 1 }] },
        'messages.0: has a field that is not one of: role, content, metadata, message_id, data, format, kind, tool_call_ids, tool_result_ids, status, usage, token_count',
      ],
      ['POST', '/v1/sessions', { [SECRET]: 1 }, 'body: has a field that is not one of:'],
      ['GET', `/v1/sessions?${SECRET}=1`, undefined, 'query: has a parameter that is not one of:'],
      ['GET', `/v1/sessions/s/messages?last=${SECRET}`, undefined, 'last: must be integer'],
      ['GET', `/v1/sessions?cursor=${SECRET}`, undefined, 'cursor: '],
    ];
    await api.request('POST', '/v1/sessions', { token: key, body: { session_id: 's' } });
    for (const [method, path, body, message] of cases) {
      const response = await api.request(method, path, { token: key, body });
      const what = `${method} ${path.slice(0, 40)}`;
      expect(response.status, what).toBe(400);
      expect(response.body.error.code, what).toBe('invalid_input');
      expect(response.body.error.message, what).toContain(message);
      expect(JSON.stringify(response.body), what).not.toContain(SECRET);
    }
    const admin = await api.request('POST', '/v1/admin/agents', {
      token: ADMIN_TOKEN,
      body: { agent_id: 'a', settings: deep(40) },
    });
    expect(admin.status).toBe(400);
    expect(admin.body.error.message).toBe('settings: nested deeper than 32 levels');
    // Nothing was written by any of them.
    const session = await api.request('GET', '/v1/sessions/s', { token: key });
    expect(session.body.session).toMatchObject({ metadata: {}, last_seq: 0 });
    expect((await api.request('GET', '/v1/agents', { token: key })).body.agents).toEqual([]);
  });
});
