import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeService, startTestService } from './support/service-under-test.js';

const JWT_SECRET = 'a-test-secret-of-at-least-32-characters!';

function hsToken(sub: string, expiresIn = '5m', secret = JWT_SECRET): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

describeService('auth', (backend) => {
  it('creates users with the admin token only: 401 without, 403 with a user key', async () => {
    const api = await startTestService(backend);
    const created = await api.request('POST', '/v1/admin/users', {
      token: ADMIN_TOKEN,
      body: { user_id: 'alice' },
    });
    expect(created.status).toBe(201);
    expect(created.body.user).toEqual({ user_id: 'alice', created_at: expect.any(String) });
    expect(created.body.api_key).toMatch(/^csk_[A-Za-z0-9_-]{43}$/);

    const generated = await api.request('POST', '/v1/admin/users', { token: ADMIN_TOKEN });
    expect(generated.status).toBe(201);
    expect(generated.body.user.user_id).toMatch(/^[0-9a-f-]{36}$/);

    const none = await api.request('POST', '/v1/admin/users', { body: { user_id: 'mallory' } });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const wrong = await api.request('POST', '/v1/admin/users', {
      token: 'not-the-admin-token',
      body: { user_id: 'mallory' },
    });
    expect(wrong.status).toBe(401);
    const asUser = await api.request('POST', '/v1/admin/users', {
      token: created.body.api_key,
      body: { user_id: 'mallory' },
    });
    expect(asUser.status).toBe(403);
    expect(asUser.body.error.code).toBe('forbidden');
    for (const [method, path] of [
      ['DELETE', '/v1/admin/users/alice'],
      ['POST', '/v1/admin/agents'],
      ['POST', '/v1/admin/cleanup'],
    ] as const) {
      expect((await api.request(method, path)).status, path).toBe(401);
      expect((await api.request(method, path, { token: created.body.api_key })).status).toBe(403);
    }
    const badId = await api.request('POST', '/v1/admin/users', {
      token: ADMIN_TOKEN,
      body: { user_id: 'white space' },
    });
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain('user_id');
  });

  it('refuses user routes without a valid key (401) and to the admin token (403)', async () => {
    const api = await startTestService(backend);
    expect((await api.request('GET', '/v1/sessions')).status).toBe(401);
    const malformed = await api.request('GET', '/v1/sessions', {
      headers: { authorization: 'Basic abc' },
    });
    expect(malformed.status).toBe(401);
    const unknown = await api.request('GET', '/v1/sessions', { token: 'csk_unknown' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toContain('unknown API key');
    const admin = await api.request('GET', '/v1/sessions', { token: ADMIN_TOKEN });
    expect(admin.status).toBe(403);
    // The user is never taken from the body.
    const key = await api.newUser('alice');
    const spoof = await api.request('POST', '/v1/sessions', {
      token: key,
      body: { session_id: 's', user_id: 'bob' },
    });
    expect(spoof.status).toBe(400);
    expect(spoof.body.error.message).toContain('user_id');
  });

  it("never lets one user's key read, change, list or detect another's sessions", async () => {
    const api = await startTestService(backend);
    const alice = await api.newUser('alice');
    const bob = await api.newUser('bob');
    await api.request('POST', '/v1/sessions/private/messages', {
      token: alice,
      body: { role: 'user', content: "alice's secret", message_id: 'a1' },
    });
    const missing = await api.request('GET', '/v1/sessions/never-existed', { token: bob });
    const theirs = await api.request('GET', '/v1/sessions/private', { token: bob });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(missing.body);
    expect((await api.request('GET', '/v1/sessions/private/messages', { token: bob })).status).toBe(
      404,
    );
    expect(
      (await api.request('PATCH', '/v1/sessions/private', { token: bob, body: { title: 'x' } }))
        .status,
    ).toBe(404);
    expect((await api.request('DELETE', '/v1/sessions/private', { token: bob })).status).toBe(404);
    expect((await api.request('GET', '/v1/sessions', { token: bob })).body.sessions).toEqual([]);

    // Bob writing to the same session id gets a session of his own; the retry key is his too.
    const bobs = await api.request('POST', '/v1/sessions/private/messages', {
      token: bob,
      body: { role: 'user', content: "bob's", message_id: 'a1' },
    });
    expect(bobs.status).toBe(201);
    expect(bobs.body.session.user_id).toBe('bob');
    expect(bobs.body.messages[0].content).toBe("bob's");

    const alicesView = await api.request('GET', '/v1/sessions/private/messages', { token: alice });
    expect(alicesView.body.messages.map((m: { content: string }) => m.content)).toEqual([
      "alice's secret",
    ]);
  });

  it('erases a user with all their data and revokes their keys at once', async () => {
    const api = await startTestService(backend);
    const alice = await api.newUser('alice');
    const bob = await api.newUser('bob');
    for (const id of ['s1', 's2']) {
      await api.request('POST', `/v1/sessions/${id}/messages`, {
        token: alice,
        body: {
          messages: [
            { role: 'user', content: 'a' },
            { role: 'assistant', content: 'b' },
          ],
        },
      });
    }
    await api.request('POST', '/v1/sessions/b1/messages', {
      token: bob,
      body: { role: 'user', content: 'kept' },
    });
    expect((await api.request('GET', '/v1/sessions', { token: alice })).status).toBe(200);

    const erased = await api.request('DELETE', '/v1/admin/users/alice', { token: ADMIN_TOKEN });
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ deleted: { sessions: 2, messages: 4 } });
    const after = await api.request('GET', '/v1/sessions', { token: alice });
    expect(after.status).toBe(401);
    const bobs = await api.request('GET', '/v1/sessions/b1/messages', { token: bob });
    expect(bobs.body.messages).toHaveLength(1);

    // A new key for a re-created alice sees nothing of the old data.
    const again = await api.newUser('alice');
    expect((await api.request('GET', '/v1/sessions', { token: again })).body.sessions).toEqual([]);
  });

  it('keeps the agent catalogue: the admin writes it, users and the admin read it', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('alice');
    const put = await api.request('POST', '/v1/admin/agents', {
      token: ADMIN_TOKEN,
      body: { agent_id: 'guide', name: 'Guide', model: 'gpt-x', settings: { temperature: 0.2 } },
    });
    expect(put.status).toBe(201);
    expect(put.body.agent).toMatchObject({
      agent_id: 'guide',
      name: 'Guide',
      model: 'gpt-x',
      settings: { temperature: 0.2 },
    });
    for (const token of [key, ADMIN_TOKEN]) {
      const list = await api.request('GET', '/v1/agents', { token });
      expect(list.status).toBe(200);
      expect(list.body.agents.map((a: { agent_id: string }) => a.agent_id)).toEqual(['guide']);
    }
    expect((await api.request('GET', '/v1/agents')).status).toBe(401);
    const bad = await api.request('POST', '/v1/admin/agents', {
      token: ADMIN_TOKEN,
      body: { name: 'no id' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('agent_id');
  });

  it('accepts JWTs signed with JWT_SECRET, the user taken from sub', async () => {
    const api = await startTestService(backend, { jwtSecret: JWT_SECRET });
    const token = await hsToken('carol');
    const created = await api.request('POST', '/v1/sessions/jwt/messages', {
      token,
      body: { role: 'user', content: 'via jwt' },
    });
    expect(created.status).toBe(201);
    expect(created.body.session.user_id).toBe('carol');
    const expired = await hsToken('carol', '-1m');
    expect((await api.request('GET', '/v1/sessions', { token: expired })).status).toBe(401);
    const forged = await hsToken('carol', '5m', 'another-secret-of-at-least-32-characters');
    expect((await api.request('GET', '/v1/sessions', { token: forged })).status).toBe(401);
    const badSub = await hsToken('not a valid id');
    expect((await api.request('GET', '/v1/sessions', { token: badSub })).status).toBe(401);
  });

  it('accepts JWTs signed by a key of JWT_JWKS_URL', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const jwks = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = jwks.address() as AddressInfo;
      const api = await startTestService(backend, {
        jwtJwksUrl: `http://127.0.0.1:${port}/jwks.json`,
        jwtIssuer: 'https://issuer.test',
      });
      const sign = (issuer: string) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setSubject('dave')
          .setIssuer(issuer)
          .setExpirationTime('5m')
          .sign(privateKey);
      const ok = await api.request('POST', '/v1/sessions', {
        token: await sign('https://issuer.test'),
      });
      expect(ok.status).toBe(201);
      expect(ok.body.session.user_id).toBe('dave');
      const otherIssuer = await api.request('GET', '/v1/sessions', {
        token: await sign('https://elsewhere.test'),
      });
      expect(otherIssuer.status).toBe(401);
    } finally {
      await new Promise((resolve) => jwks.close(resolve));
    }
  });
});
