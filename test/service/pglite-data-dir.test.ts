import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnService, type SpawnedService } from './support/spawn-service.js';

const running: SpawnedService[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const service of running.splice(0)) {
    if (service.child.exitCode === null && service.child.signalCode === null) await service.stop();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): SpawnedService {
  const service = spawnService(env);
  running.push(service);
  return service;
}

function pgliteEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'convstore-service-dir-'));
  dirs.push(dir);
  return { PORT: '0', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn', CLEANUP_INTERVAL: '0' };
}

const SERVING = /serving pglite \(.+\) at (http:\/\/[^\s]+) /;

async function post(base: string, path: string, token: string, body: unknown) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, asserted by shape
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Starts the service and creates a user; resolves with the base URL and the user's key. */
async function startWithUser(env: Record<string, string>) {
  const service = start(env);
  const [, base] = await service.waitFor(SERVING);
  const [, adminToken] = service.output().match(/^\s+(csa_[A-Za-z0-9_-]+)$/m) ?? [];
  const user = await post(base!, '/v1/admin/users', adminToken!, { user_id: 'loader' });
  expect(user.status).toBe(201);
  return { service, base: base!, key: user.body.api_key as string };
}

describe('the service on a PGlite data directory', () => {
  it('a second service on the same DATA_DIR is refused at start (exit 5), naming it and the holder', async () => {
    const env = pgliteEnv();
    const first = start(env);
    const [, base] = await first.waitFor(SERVING);

    const second = start(env);
    expect(await second.exited).toBe(5);
    expect(second.output()).toContain('convstore: cannot start');
    expect(second.output()).toContain(env.DATA_DIR);
    expect(second.output()).toContain(`in use by process ${first.child.pid}`);
    expect(second.output()).toContain('(locked)');
    expect(second.output()).not.toContain('created the admin token');

    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await first.stop()).toBe(0);
  }, 120_000);

  it('loses nothing it acknowledged when SIGKILLed in the middle of a load (fsync off)', async () => {
    const env = pgliteEnv();
    const { service, base, key } = await startWithUser(env);

    // Eight clients append in a loop, each to its own session, until the process dies; every
    // 201 is an acknowledged message that must be there after the restart.
    const acknowledged: { session: string; seq: number; content: string }[] = [];
    let killed = false;
    const enoughAcks = new Promise<void>((resolve) => {
      const client = async (n: number) => {
        for (let i = 0; !killed; i++) {
          const content = `client ${n} message ${i}`;
          const reply = await post(base, `/v1/sessions/load-${n}/messages`, key, {
            role: 'user',
            content,
          }).catch(() => null); // the connection dies with the process
          if (reply?.status !== 201) continue;
          acknowledged.push({ session: `load-${n}`, seq: reply.body.messages[0].seq, content });
          if (acknowledged.length >= 300) resolve();
        }
      };
      for (let n = 0; n < 8; n++) void client(n);
    });
    await enoughAcks;
    service.child.kill('SIGKILL');
    killed = true;
    await service.exited;
    expect(service.child.signalCode).toBe('SIGKILL');

    const restarted = start(env);
    const [, base2] = await restarted.waitFor(SERVING);
    for (let n = 0; n < 8; n++) {
      const response = await fetch(
        `${base2}/v1/sessions/load-${n}/messages?after_seq=0&limit=1000`,
        {
          headers: { authorization: `Bearer ${key}` },
        },
      );
      const stored = new Map<number, string>(
        ((await response.json()) as { messages: { seq: number; content: string }[] }).messages.map(
          (m) => [m.seq, m.content],
        ),
      );
      for (const ack of acknowledged.filter((a) => a.session === `load-${n}`)) {
        expect(stored.get(ack.seq), `${ack.session} seq ${ack.seq}`).toBe(ack.content);
      }
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    expect(await restarted.stop()).toBe(0);
  }, 180_000);
});
