import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnService, type SpawnedService } from './support/spawn-service.js';

const running: SpawnedService[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const service of running.splice(0)) await service.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): SpawnedService {
  const service = spawnService(env);
  running.push(service);
  return service;
}

async function call(base: string, method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, asserted by shape
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('the entry point (npm start)', () => {
  it('starts on PGlite in DATA_DIR, creates and prints the admin token once, keeps data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'convstore-service-'));
    dirs.push(dataDir);
    // A nested directory that does not exist yet: the service creates it.
    const env = {
      PORT: '0',
      DATA_DIR: join(dataDir, 'var', 'convstore'),
      LOG_LEVEL: 'warn',
      CLEANUP_INTERVAL: '0',
    };

    const first = start(env);
    await first.waitFor(/opening PGlite in/);
    const [, base] = await first.waitFor(/serving pglite \(.+\) at (http:\/\/[^\s]+) /);
    const [, adminToken] = first.output().match(/^\s+(csa_[A-Za-z0-9_-]+)$/m) ?? [];
    expect(adminToken).toBeDefined();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const user = await call(base!, 'POST', '/v1/admin/users', adminToken!, { user_id: 'alice' });
    expect(user.status).toBe(201);
    const key = user.body.api_key as string;
    const appended = await call(base!, 'POST', '/v1/sessions/first/messages', key, {
      role: 'user',
      content: 'hello',
    });
    expect(appended.status).toBe(201);

    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('convstore: stopped');

    const second = start(env);
    const [, base2] = await second.waitFor(/serving pglite \(.+\) at (http:\/\/[^\s]+) /);
    expect(second.output()).not.toContain('created the admin token');
    const history = await call(base2!, 'GET', '/v1/sessions/first/messages', key);
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual(['hello']);
    const another = await call(base2!, 'POST', '/v1/admin/users', adminToken!, { user_id: 'bob' });
    expect(another.status).toBe(201);
    expect(await second.stop()).toBe(0);
  }, 120_000); // two PGlite starts on disk: seconds each, more on a busy machine

  it('refuses to start on an invalid setting, naming the variable', async () => {
    const service = start({ PORT: 'eighty', CONVERSATION_TTL: '-5' });
    expect(await service.exited).toBe(2);
    expect(service.output()).toContain('invalid configuration');
    expect(service.output()).toContain('PORT: must be a whole number');
    expect(service.output()).toContain('CONVERSATION_TTL: must not be negative');
  });
});
