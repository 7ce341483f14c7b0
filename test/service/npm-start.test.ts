import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/stores/pglite/data-dir-lock.js';
import { spawnService, type SpawnedService } from './support/spawn-service.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVING = /serving pglite \(.+\) at (http:\/\/[^\s]+) /;

const started: ChildProcess[] = [];
const services: SpawnedService[] = [];
const dirs: string[] = [];
/** The services' own pids (npm's children): stopped here if a test failed before they exited. */
const servicePids: number[] = [];

/** `npm start` runs the build: make sure it is there and newer than the sources. */
beforeAll(() => {
  const built = join(ROOT, 'dist/service/main.js');
  const newest = Math.max(
    ...readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
  // The console is built by `npm run build` too (its own check: test/console/).
  if (!existsSync(join(ROOT, 'dist/console/index.html'))) {
    const consoleBuild = spawnSync('npm', ['run', 'build:console'], { cwd: ROOT });
    expect(consoleBuild.status, consoleBuild.stderr?.toString()).toBe(0);
  }
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
  expect(build.status, build.stderr?.toString()).toBe(0);
}, 180_000);

afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of servicePids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `npm start` as a process manager runs it, in its own process group, with its output. */
function npmStart(env: Record<string, string>) {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own group: a signal to npm alone, as `kill <pid>` sends it
  });
  started.push(child);
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  // The service writes to these pipes too, and may go on after npm has exited.
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve) => {
      const check = () => {
        const match = output.match(pattern);
        if (!match) return;
        listeners.delete(check);
        resolve(match);
      };
      listeners.add(check);
      check();
    });
  return { child, waitFor, output: () => output };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves when `pid` has exited (it is not our child, so there is no exit event to wait on). */
async function gone(pid: number): Promise<void> {
  await expect.poll(() => alive(pid), { timeout: 30_000, interval: 50 }).toBe(false);
}

async function post(base: string, path: string, token: string, body: unknown) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, asserted by shape
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('npm start under a process manager', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)(
    '%s to npm stops the service gracefully, its data intact',
    async (signal) => {
      const dir = mkdtempSync(join(tmpdir(), 'convstore-npm-start-'));
      dirs.push(dir);
      const env = {
        PORT: '0',
        DATA_DIR: join(dir, 'data'),
        LOG_LEVEL: 'warn',
        CLEANUP_INTERVAL: '0',
      };
      const npm = npmStart(env);
      const [, base] = await npm.waitFor(SERVING);
      // The lock file names the process that holds the data: the service's node, not npm.
      const service = (
        JSON.parse(readFileSync(join(env.DATA_DIR, LOCK_FILE), 'utf8')) as {
          pid: number;
        }
      ).pid;
      servicePids.push(service);
      expect(service).not.toBe(npm.child.pid);
      // What `npm install && npm start` serves: the API and the web console built with it.
      const page = await fetch(`${base}/console/`);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('<div id="app">');
      const [, adminToken] = npm.output().match(/^\s+(csa_[A-Za-z0-9_-]+)$/m) ?? [];
      const user = await post(base!, '/v1/admin/users', adminToken!, { user_id: 'alice' });
      const key = user.body.api_key as string;
      const appended = await post(base!, '/v1/sessions/kept/messages', key, {
        role: 'user',
        content: 'still here',
      });
      expect(appended.status).toBe(201);

      npm.child.kill(signal);
      await gone(service);
      await npm.waitFor(/convstore: stopped/);
      expect(npm.output()).toContain(
        signal === 'SIGTERM' ? 'convstore: SIGTERM: finishing' : 'convstore: npm exited: finishing',
      );
      // A graceful close releases the lock; a killed process would have left it behind.
      expect(existsSync(join(env.DATA_DIR, LOCK_FILE))).toBe(false);

      const again = spawnService(env);
      services.push(again);
      const [, base2] = await again.waitFor(SERVING);
      const history = await fetch(`${base2}/v1/sessions/kept/messages`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const body = (await history.json()) as { messages: { content: string }[] };
      expect(body.messages.map((m) => m.content)).toEqual(['still here']);
    },
    120_000,
  );
});
