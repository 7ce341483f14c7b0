import { expect, it } from 'vitest';
import { describeService, startTestService } from './support/service-under-test.js';

interface WireMessage {
  seq: number;
  message_id: string;
  role: string;
  content: string;
  metadata: Record<string, unknown>;
  created_at: string;
}

const seqs = (messages: WireMessage[]) => messages.map((m) => m.seq);

describeService('messages API', (backend) => {
  it('appends one message or several, creating the session, numbered from 1', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const one = await api.request('POST', '/v1/sessions/trip/messages', {
      token: key,
      body: { role: 'user', content: 'hello', metadata: { tokens: 1 }, message_id: 'm1' },
    });
    expect(one.status).toBe(201);
    expect(one.body.session).toMatchObject({ session_id: 'trip', last_seq: 1, message_count: 1 });
    expect(one.body.messages).toEqual([
      {
        seq: 1,
        message_id: 'm1',
        role: 'user',
        content: 'hello',
        metadata: { tokens: 1 },
        created_at: expect.any(String),
        data: null,
        format: null,
        kind: 'message',
        tool_call_ids: [],
        tool_result_ids: [],
        status: 'complete',
        version: 1,
        updated_at: one.body.messages[0].created_at,
        usage: null,
        token_count: 2,
      },
    ]);
    const many = await api.request('POST', '/v1/sessions/trip/messages', {
      token: key,
      body: {
        agent_id: 'guide',
        messages: [
          { role: 'assistant', content: 'hi' },
          { role: 'tool', content: '{"ok":true}', metadata: { tool: 'search' } },
        ],
      },
    });
    expect(many.status).toBe(201);
    expect(seqs(many.body.messages)).toEqual([2, 3]);
    expect(many.body.session.agent_id).toBe('guide');
  });

  it('answers a retried message_id with 200 and the stored message, writing nothing', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const body = { role: 'user', content: 'original', message_id: 'client-1' };
    const first = await api.request('POST', '/v1/sessions/s/messages', { token: key, body });
    expect(first.status).toBe(201);
    const retry = await api.request('POST', '/v1/sessions/s/messages', { token: key, body });
    expect(retry.status).toBe(200);
    expect(retry.body.messages).toEqual(first.body.messages);
    expect(retry.body.session.last_seq).toBe(1);
    // The same message_id with other fields is not a retry: 409, and nothing is written.
    const changed = await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: { ...body, content: 'changed on retry' },
    });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('idempotency_mismatch');
    const history = await api.request('GET', '/v1/sessions/s/messages', { token: key });
    expect(history.body.messages.map((m: WireMessage) => m.content)).toEqual(['original']);

    // A batch with one new message among retries is a write: 201, the new one gets seq 2.
    const mixed = await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: { messages: [body, { role: 'assistant', content: 'new', message_id: 'client-2' }] },
    });
    expect(mixed.status).toBe(201);
    expect(seqs(mixed.body.messages)).toEqual([1, 2]);
  });

  it('stores a message retried concurrently exactly once, and every caller sees the same one', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const attempts = 12;
    const responses = await Promise.all(
      Array.from({ length: attempts }, () =>
        api.request('POST', '/v1/sessions/race/messages', {
          token: key,
          body: { role: 'user', content: 'the same each time', message_id: 'the-one' },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(attempts - 1);
    const stored = responses.map((r) => JSON.stringify(r.body.messages));
    expect(new Set(stored).size).toBe(1);
    const history = await api.request('GET', '/v1/sessions/race/messages', { token: key });
    expect(history.body.messages).toHaveLength(1);
    expect(history.body.messages[0].seq).toBe(1);
  });

  it('reads the last N, after a seq and before a seq, always oldest first', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: {
        messages: Array.from({ length: 10 }, (_, i) => ({ role: 'user', content: `m${i + 1}` })),
      },
    });
    const read = async (query: string) => {
      const response = await api.request('GET', `/v1/sessions/s/messages?${query}`, { token: key });
      expect(response.status, query).toBe(200);
      return seqs(response.body.messages);
    };
    expect(await read('last=3')).toEqual([8, 9, 10]);
    expect(await read('after_seq=2&limit=3')).toEqual([3, 4, 5]);
    expect(await read('before_seq=5&limit=2')).toEqual([3, 4]);
    expect(await read('after_seq=10')).toEqual([]);
  });

  it('refuses bad appends and reads with 400 naming the field, writing nothing', async () => {
    const api = await startTestService(backend, { maxContentBytes: 64 });
    const key = await api.newUser('alice');
    const appends: Array<[unknown, string]> = [
      [{ role: 'robot', content: 'x' }, 'role'],
      [{ role: 'user' }, 'content'],
      [{ role: 'user', content: 'x'.repeat(65) }, 'content'],
      [{ role: 'user', content: 'nul \u0000 inside' }, 'content'],
      [{ role: 'user', content: 'x', message_id: 'no spaces' }, 'message_id'],
      [{ role: 'user', content: 'x', metadata: 'text' }, 'metadata'],
      // An unknown field is not quoted (it is the client's text): the known ones are listed.
      [{ role: 'user', content: 'x', shout: true }, 'body: has a field that is not one of: role'],
      [{ messages: [] }, 'messages'],
      [
        {
          messages: [
            { role: 'user', content: 'ok' },
            { role: 'nobody', content: 'x' },
          ],
        },
        'messages.1.role',
      ],
      [{ messages: [{ role: 'user', content: 'x' }], role: 'user' }, 'role: cannot be combined'],
      [
        {
          messages: [
            { role: 'user', content: 'a', message_id: 'same' },
            { role: 'user', content: 'b', message_id: 'same' },
          ],
        },
        'messages.1.message_id',
      ],
    ];
    for (const [body, field] of appends) {
      const response = await api.request('POST', '/v1/sessions/s/messages', { token: key, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('invalid_input');
      expect(response.body.error.message, JSON.stringify(body)).toContain(field);
    }
    expect((await api.request('GET', '/v1/sessions/s', { token: key })).status).toBe(404);

    await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: { role: 'user', content: 'kept' },
    });
    const reads: Array<[string, string]> = [
      ['last=0', 'last'],
      ['last=abc', 'last'],
      ['after_seq=-1', 'after_seq'],
      ['last=2&after_seq=1', 'after_seq'],
      ['limit=100000', 'limit'],
      ['colour=red', 'query: has a parameter that is not one of: last'],
    ];
    for (const [query, field] of reads) {
      const response = await api.request('GET', `/v1/sessions/s/messages?${query}`, { token: key });
      expect(response.status, query).toBe(400);
      expect(response.body.error.message, query).toContain(field);
    }
    const badId = await api.request('GET', '/v1/sessions/bad%20id/messages', { token: key });
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain('session_id');
    const history = await api.request('GET', '/v1/sessions/s/messages', { token: key });
    expect(history.body.messages.map((m: WireMessage) => m.content)).toEqual(['kept']);
  });

  it('answers 404 for the history of a session that does not exist', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const response = await api.request('GET', '/v1/sessions/nothing/messages?last=5', {
      token: key,
    });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { code: 'not_found', message: expect.any(String) },
    });
  });

  it('trims to MAX_CONVERSATION_HISTORY and expires after CONVERSATION_TTL', async () => {
    const api = await startTestService(backend, { maxConversationHistory: 3, conversationTtl: 60 });
    const key = await api.newUser('alice');
    const response = await api.request('POST', '/v1/sessions/s/messages', {
      token: key,
      body: { messages: Array.from({ length: 5 }, (_, i) => ({ role: 'user', content: `${i}` })) },
    });
    expect(response.body.session.message_count).toBe(3);
    const expires = Date.parse(response.body.session.expires_at);
    expect(expires - Date.parse(response.body.session.updated_at)).toBe(60_000);
    const history = await api.request('GET', '/v1/sessions/s/messages', { token: key });
    expect(seqs(history.body.messages)).toEqual([3, 4, 5]);
  });
});
