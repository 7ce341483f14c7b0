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
});
