import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeService, startTestService } from './support/service-under-test.js';

const FROM = new Date(Date.now() - 86_400_000).toISOString();
const TO = new Date(Date.now() + 86_400_000).toISOString();
const range = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;

describeService('usage API', (backend) => {
  it("answers the caller's own usage only, and everyone's to the admin", async () => {
    const api = await startTestService(backend);
    const alice = await api.newUser('alice');
    const bob = await api.newUser('bob');
    for (const [token, tokens] of [
      [alice, 10],
      [bob, 1000],
    ] as const) {
      const posted = await api.request('POST', '/v1/sessions/s/messages', {
        token,
        body: { role: 'assistant', content: 'a', usage: { model: 'gpt-x', input_tokens: tokens } },
      });
      expect(posted.status).toBe(201);
    }

    const own = await api.request('GET', `/v1/usage?${range}&group_by=day,model&time_zone=UTC`, {
      token: alice,
    });
    expect(own.status).toBe(200);
    expect(own.body.rows).toEqual([
      expect.objectContaining({
        day: new Date().toISOString().slice(0, 10),
        model: 'gpt-x',
        messages: 1,
        input_tokens: 10,
        active_users: 1,
        messages_by_role: { system: 0, user: 0, assistant: 1, tool: 0 },
      }),
    ]);
    expect(own.body.rows[0]).not.toHaveProperty('user_id');

    // A user cannot name another user: the admin route is the admin's.
    const forbidden = await api.request('GET', `/v1/admin/usage?${range}`, { token: alice });
    expect(forbidden.status).toBe(403);
    const unknownParam = await api.request('GET', `/v1/usage?${range}&user_id=bob`, {
      token: alice,
    });
    expect(unknownParam.status).toBe(400);

    const all = await api.request('GET', `/v1/admin/usage?${range}&group_by=user`, {
      token: ADMIN_TOKEN,
    });
    expect(all.status).toBe(200);
    expect(
      all.body.rows.map((r: { user_id: string; input_tokens: number }) => [
        r.user_id,
        r.input_tokens,
      ]),
    ).toEqual([
      ['alice', 10],
      ['bob', 1000],
    ]);
  });

  it('refuses a bad group_by, range or time zone with invalid_input', async () => {
    const api = await startTestService(backend);
    const alice = await api.newUser('alice');
    for (const query of [
      `${range}&group_by=week`,
      `from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`,
      `${range}&time_zone=Mars%2FOlympus`,
      `to=${encodeURIComponent(TO)}`,
    ]) {
      const answer = await api.request('GET', `/v1/usage?${query}`, { token: alice });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe('invalid_input');
    }
  });
});
