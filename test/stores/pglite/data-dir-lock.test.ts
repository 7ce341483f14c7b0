import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, DataDirLockedError, ERROR_STATUS } from '../../../src/index.js';
import { LOCK_FILE } from '../../../src/stores/pglite/data-dir-lock.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HOLDER = 'test/stores/pglite/support/hold-data-dir.ts';
const key = { userId: 'holder', sessionId: 's' };

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'convstore-lock-'));
  dirs.push(dir);
  return dir;
}

/** Starts the holder process on `dir`; resolves once it has the lock and one message stored. */
function startHolder(dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) resolve();
      };
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        check();
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then(() => reject(new Error(`holder exited before ${pattern}: ${output}`)));
      check();
    });
  return { child, exited, waitFor, output: () => output };
}

/** Every file under `dir` with its size and mtime: what a refused open must not touch. */
function snapshot(dir: string): Record<string, string> {
  // The directory's own mtime too: it moves when any file is created or removed in it.
  const files: Record<string, string> = { [dir]: String(statSync(dir).mtimeMs) };
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const stat = statSync(path);
    files[path] = `${stat.size}:${stat.mtimeMs}`;
  }
  return files;
}

describe('pglite data directory lock', () => {
  it('refuses a second process on a directory in use, naming it and the holder, writing nothing', async () => {
    const dir = join(tempDir(), 'data');
    const holder = startHolder(dir);
    await holder.waitFor(/holding \d+/);
    const before = snapshot(dir);

    const refused = await createStore({ url: `pglite://${dir}` }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DataDirLockedError);
    const error = refused as DataDirLockedError;
    expect(error.code).toBe('locked');
    expect(ERROR_STATUS[error.code]).toEqual({ http: 503, exit: 5 });
    expect(error.pid).toBe(holder.child.pid);
    expect(error.message).toContain(dir);
    expect(error.message).toContain(`process ${holder.child.pid}`);
    expect(snapshot(dir)).toEqual(before);

    // The holder goes on writing, unharmed, and its lock goes with it.
    const finished = holder.waitFor(/closed/);
    holder.child.stdin!.write('go\n');
    await finished;
    expect(await holder.exited).toBe(0);
    expect(readdirSync(dir)).not.toContain(LOCK_FILE);

    const after = await createStore({ url: `pglite://${dir}` });
    expect((await after.history(key)).map((m) => m.content)).toEqual(['first', 'second']);
    await after.close();
  }, 120_000);

  it('takes over the lock of a SIGKILLed holder and finds what it acknowledged', async () => {
    const dir = join(tempDir(), 'data');
    const holder = startHolder(dir);
    await holder.waitFor(/holding \d+/);
    holder.child.kill('SIGKILL');
    await holder.exited;
    const stale = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(stale.pid).toBe(holder.child.pid);

    const next = await createStore({ url: `pglite://${dir}` });
    expect((await next.history(key)).map((m) => m.content)).toEqual(['first']);
    const held = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(held.pid).toBe(process.pid);
    await next.close();
    expect(readdirSync(dir)).not.toContain(LOCK_FILE);
  }, 120_000);

  it('refuses a second open of one directory within one process', async () => {
    const dir = join(tempDir(), 'data');
    const first = await createStore({ url: `pglite://${dir}` });
    try {
      await expect(createStore({ url: `pglite://${dir}` })).rejects.toMatchObject({
        code: 'locked',
        pid: process.pid,
      });
      await first.append({ ...key, messages: [{ role: 'user', content: 'still mine' }] });
    } finally {
      await first.close();
    }
    const again = await createStore({ url: `pglite://${dir}` });
    expect((await again.history(key)).map((m) => m.content)).toEqual(['still mine']);
    await again.close();
  }, 60_000);

  it('treats a lock naming a live pid that started at another time as stale (a reused pid)', async () => {
    const dir = tempDir();
    // This process's own pid, but not opened by it: an earlier process had the pid (a container's
    // pid 1 after a restart). And a live pid (this process's parent) with another start time.
    for (const pid of [process.pid, process.ppid]) {
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({ pid, host: hostname(), bootId: null, startTicks: '1', since: 'then' }),
      );
      const store = await createStore({ url: `pglite://${dir}` });
      await store.close();
      expect(readdirSync(dir)).not.toContain(LOCK_FILE);
    }
  }, 60_000);
});
