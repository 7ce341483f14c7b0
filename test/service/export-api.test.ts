import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeService, startTestService } from './support/service-under-test.js';

interface Line {
  type: string;
  session?: { userId: string; sessionId: string; lastSeq: number };
  userId?: string;
  message?: { seq: number; content: string; metadata: Record<string, unknown> };
  sessions?: number;
  messages?: number;
}

const parse = (text: string): Line[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);

/** The raw body: the test client would parse x-ndjson as one JSON document. */
async function download(url: string, token: string) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

describeService('export API', (backend) => {
  it("streams the caller's own sessions and messages as NDJSON, and the admin's copy of a user", async () => {
    const api = await startTestService(backend);
    const alice = await api.newUser('alice');
    const bob = await api.newUser('bob');
    await api.request('POST', '/v1/sessions/trip/messages', {
      token: alice,
      body: {
        messages: [
          { role: 'user', content: 'first', metadata: { n: 1 } },
          { role: 'assistant', content: 'second' },
        ],
      },
    });
    await api.request('POST', '/v1/sessions', { token: alice, body: { session_id: 'empty' } });
    await api.request('POST', '/v1/sessions/secret/messages', {
      token: bob,
      body: { role: 'user', content: "bob's words" },
    });

    const mine = await download(`${api.url}/v1/export`, alice);
    expect(mine.status).toBe(200);
    expect(mine.type).toContain('application/x-ndjson');
    const lines = parse(mine.text);
    expect(lines[0]!.type).toBe('convstore-export');
    expect(lines.at(-1)).toEqual({ type: 'end', sessions: 2, messages: 2 });
    const sessions = lines.filter((line) => line.type === 'session');
    expect(sessions.map((line) => line.session!.sessionId).sort()).toEqual(['empty', 'trip']);
    expect(sessions.every((line) => line.session!.userId === 'alice')).toBe(true);
    const messages = lines.filter((line) => line.type === 'message');
    expect(messages.map((line) => [line.message!.seq, line.message!.content])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
    expect(messages[0]!.message!.metadata).toEqual({ n: 1 });
    expect(mine.text).not.toContain("bob's words");
    // A user's export never holds the shared agent catalogue.
    expect(lines.some((line) => line.type === 'agent')).toBe(false);

    const admin = await download(`${api.url}/v1/admin/users/bob/export`, ADMIN_TOKEN);
    expect(admin.status).toBe(200);
    const bobs = parse(admin.text);
    expect(bobs.filter((line) => line.type === 'message').map((l) => l.message!.content)).toEqual([
      "bob's words",
    ]);
    expect(bobs.at(-1)).toEqual({ type: 'end', sessions: 1, messages: 1 });
  });

  it('keeps each export to its own caller', async () => {
    const api = await startTestService(backend);
    const alice = await api.newUser('alice');
    expect((await api.request('GET', '/v1/export')).status).toBe(401);
    expect((await api.request('GET', '/v1/export', { token: ADMIN_TOKEN })).status).toBe(403);
    const asUser = await api.request('GET', '/v1/admin/users/bob/export', { token: alice });
    expect([401, 403]).toContain(asUser.status);
    expect(asUser.body.error.code).toMatch(/unauthorized|forbidden/);
    const badId = await api.request('GET', '/v1/admin/users/no%20spaces/export', {
      token: ADMIN_TOKEN,
    });
    expect(badId.status).toBe(400);
  });
});
