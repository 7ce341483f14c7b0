import { randomUUID } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataDirLockedError } from '../../contract/errors.js';

/**
 * One process at a time on a PGlite data directory. PGlite has no postmaster and no shared
 * memory: two processes on one directory each keep their own buffers and overwrite each other's
 * commits, so the second opener must be refused before it reads or writes anything.
 *
 * The lock is a file in the directory, created atomically (written aside, then hard-linked into
 * place, so it is never seen half-written) and naming its holder. A holder that is gone (killed,
 * crashed) leaves the file behind; it is stale when the holder's pid is not alive, is alive but
 * started at another time (the pid was reused), or the machine has rebooted since.
 */
export const LOCK_FILE = 'convstore.lock';

interface Holder {
  pid: number;
  host: string;
  /** The kernel's boot id (Linux): a lock from before a reboot is stale whatever its pid. */
  bootId: string | null;
  /** The process's start time in clock ticks since boot (Linux), to tell a reused pid. */
  startTicks: string | null;
  since: string;
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

/** Directories this process holds: a second open in the same process is refused too. */
const heldHere = new Set<string>();

/** How long a half-done stale takeover (its holder killed in the middle) blocks others. */
const TAKEOVER_STALE_MS = 10_000;

export async function lockDataDir(dir: string): Promise<DataDirLock> {
  mkdirSync(dir, { recursive: true });
  const real = realpathSync(dir);
  const path = join(real, LOCK_FILE);
  const mine = JSON.stringify(currentHolder(), null, 1);
  for (let attempt = 0; ; attempt++) {
    // Read first: a refused opener writes nothing at all, not even a file of its own aside.
    const seen = readRaw(path);
    if (seen === null) {
      if (tryCreate(path, mine)) break;
      continue; // another opener was quicker: judge its lock
    }
    const holder = parseHolder(seen);
    if (holder && isAlive(holder, real)) {
      throw new DataDirLockedError(
        `data directory ${real} is in use by process ${holder.pid}` +
          (holder.host === hostname() ? '' : ` on ${holder.host}`) +
          ` (since ${holder.since}): PGlite allows one process per directory; stop that ` +
          `process, give this one another directory, or use PostgreSQL for several processes`,
        { dir: real, pid: holder.pid },
      );
    }
    if (attempt > 20) {
      throw new DataDirLockedError(
        `data directory ${real}: could not replace the stale lock file ${path}; remove it if no ` +
          `process uses the directory`,
        { dir: real, pid: holder?.pid ?? null },
      );
    }
    await takeOverStale(path, seen);
  }
  heldHere.add(real);
  let released = false;
  return {
    path,
    release: () => {
      if (released) return;
      released = true;
      heldHere.delete(real);
      if (readRaw(path) === mine) unlinkQuietly(path);
    },
  };
}

/** Creates the lock file with `content`, atomically; false when one exists. */
function tryCreate(path: string, content: string): boolean {
  const aside = `${path}.${process.pid}.${randomUUID()}`;
  writeFileSync(aside, content, { flag: 'wx' });
  try {
    linkSync(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(aside);
  }
}

/**
 * Removes a stale lock file, unless it changed since it was judged stale. Two processes finding
 * the same stale file must not both remove it (the second would remove the first's new lock), so
 * the removal happens under a guard directory (mkdir is atomic); a guard whose owner died in
 * this short step is removed after TAKEOVER_STALE_MS.
 */
async function takeOverStale(path: string, stale: string): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (ageMs(guard) > TAKEOVER_STALE_MS) rmdirQuietly(guard);
    else await sleep(50);
    return;
  }
  try {
    if (readRaw(path) === stale) unlinkQuietly(path);
  } finally {
    rmdirQuietly(guard);
  }
}

function isAlive(holder: Holder, real: string): boolean {
  if (holder.host !== hostname()) return true; // another machine's process: cannot check, keep
  const bootId = readBootId();
  if (holder.bootId && bootId && holder.bootId !== bootId) return false;
  if (holder.pid === process.pid) {
    // This process, or an earlier one that had the same pid (a container's pid 1, say).
    return heldHere.has(real) && holder.startTicks === startTicksOf(process.pid);
  }
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: alive, owned by another user.
  }
  const ticks = startTicksOf(holder.pid);
  return !(holder.startTicks && ticks && holder.startTicks !== ticks);
}

function currentHolder(): Holder {
  return {
    pid: process.pid,
    host: hostname(),
    bootId: readBootId(),
    startTicks: startTicksOf(process.pid),
    since: new Date().toISOString(),
  };
}

function parseHolder(raw: string): Holder | null {
  try {
    const value = JSON.parse(raw) as Partial<Holder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return {
      pid: value.pid,
      host: value.host,
      bootId: value.bootId ?? null,
      startTicks: value.startTicks ?? null,
      since: value.since ?? 'an unknown time',
    };
  } catch {
    return null; // not ours or damaged: nothing can hold it
  }
}

/** Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parens). */
function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

function readRaw(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function rmdirQuietly(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // already gone
  }
}
