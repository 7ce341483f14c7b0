import { expect, it } from 'vitest';
import { describeService, startTestService } from './support/service-under-test.js';

describeService('search API', (backend) => {
  it("finds the caller's own messages only, ranked, with a marked snippet", async () => {
    const api = await startTestService(backend);
    const alice = await api.newUser('alice');
    const bob = await api.newUser('bob');
    await api.request('POST', '/v1/sessions/trip/messages', {
      token: alice,
      body: {
        messages: [
          { role: 'user', content: 'Qual é a melhor ação?', message_id: 'a1' },
          { role: 'assistant', content: 'Uma ação simples', message_id: 'a2' },
        ],
      },
    });
    await api.request('POST', '/v1/sessions/trip/messages', {
      token: bob,
      body: { role: 'user', content: 'ação do bob', message_id: 'b1' },
    });

    const found = await api.request('GET', '/v1/search?q=acao', { token: alice });
    expect(found.status).toBe(200);
    expect(found.body.next_cursor).toBeNull();
    expect(found.body.hits.map((hit: { message_id: string }) => hit.message_id).sort()).toEqual([
      'a1',
      'a2',
    ]);
    expect(found.body.hits[0]).toEqual({
      session_id: 'trip',
      seq: expect.any(Number),
      message_id: expect.any(String),
      role: expect.any(String),
      created_at: expect.any(String),
      snippet: expect.stringContaining('<mark>ação</mark>'),
      rank: expect.any(Number),
    });

    const filtered = await api.request(
      'GET',
      `/v1/search?q=${encodeURIComponent('"uma ação"')}&role=assistant&session_id=trip&limit=1`,
      { token: alice },
    );
    expect(filtered.body.hits.map((hit: { seq: number }) => hit.seq)).toEqual([2]);

    const other = await api.request('GET', '/v1/search?q=bob', { token: alice });
    expect(other.body.hits).toEqual([]);
  });

  it('pages with next_cursor and refuses bad input with a clear error', async () => {
    const api = await startTestService(backend);
    const alice = await api.newUser('alice');
    await api.request('POST', '/v1/sessions/s/messages', {
      token: alice,
      body: { messages: [1, 2, 3].map((i) => ({ role: 'user', content: `hotel ${i}` })) },
    });
    const first = await api.request('GET', '/v1/search?q=hotel&limit=2', { token: alice });
    expect(first.body.hits).toHaveLength(2);
    const second = await api.request(
      'GET',
      `/v1/search?q=hotel&limit=2&cursor=${first.body.next_cursor}`,
      { token: alice },
    );
    expect(second.body.hits).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();

    for (const query of ['', '?q=', '?q=x&limit=0', '?q=x&from=yesterday', '?q=x&role=bot']) {
      const bad = await api.request('GET', `/v1/search${query}`, { token: alice });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_input');
    }
    const anonymous = await api.request('GET', '/v1/search?q=hotel');
    expect(anonymous.status).toBe(401);
  });
});
