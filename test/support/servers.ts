import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Where the real servers of this machine (and CI) answer; override with these variables. */
export const TEST_DATABASE_URL =
  process.env.CONVSTORE_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.CONVSTORE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const run = promisify(execFile);

/**
 * Servers a test starts for itself, on loopback ports of its own, when it must stop or break
 * them (the shared servers are never touched). Each is stopped by the pid it was started with.
 */
export interface OwnRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: it keeps nothing on disk). */
  restart(): Promise<void>;
}

export async function startOwnRedis(extraArgs: string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  let dir = '';
  let child: ChildProcess | undefined;
  const start = async () => {
    dir = mkdtempSync(join(tmpdir(), 'convstore-redis-'));
    child = spawnRedis(port, dir, extraArgs);
    await waitForRedis(port);
  };
  const stop = async () => {
    if (child) await stopChild(child);
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: start,
  };
}

export interface OwnRedisCluster {
  url: string;
  /** Every node's port, masters first (as created; a failover changes who is master). */
  ports: number[];
  /** Kills one node (SIGKILL): what a crashed master looks like to the cluster and clients. */
  kill(port: number): Promise<void>;
  /**
   * Starts a killed node again, empty (it keeps nothing on disk) but with its cluster config: it
   * rejoins as a replica of whoever took over its slots, and resolves once it is in sync.
   */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  masters?: number;
  /** Replicas per master (each kept in sync before this resolves). */
  replicas?: number;
}

/**
 * `masters` masters (three by default), each with `replicas` replicas (none by default), every
 * slot assigned; resolves once every node says the cluster is ok and every replica's link to its
 * master is up.
 */
export async function startRedisCluster(
  options: number | ClusterOptions = {},
): Promise<OwnRedisCluster> {
  const { masters = 3, replicas = 0 } =
    typeof options === 'number' ? { masters: options } : options;
  const dir = mkdtempSync(join(tmpdir(), 'convstore-cluster-'));
  const ports: number[] = [];
  const children = new Map<number, ChildProcess>();
  const stopAll = async () => {
    for (const child of children.values()) await stopChild(child);
  };
  const spawnNode = (port: number) =>
    spawnRedis(port, dir, [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      '2000',
    ]);
  /** The node says the cluster is ok and, unless it may be a master, its replica link is up. */
  const settled = (port: number, asReplica = false) =>
    until(async () => {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
      if (!stdout.includes('cluster_state:ok')) return false;
      const { stdout: role } = await run('redis-cli', ['-p', String(port), 'info', 'replication']);
      return (!asReplica && role.includes('role:master')) || role.includes('master_link_status:up');
    });
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freePort(ports);
      ports.push(port);
      children.set(port, spawnNode(port));
    }
    for (const port of ports) await waitForRedis(port);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await until(async () => {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        if (!stdout.includes('cluster_state:ok')) return false;
        const { stdout: role } = await run('redis-cli', [
          '-p',
          String(port),
          'info',
          'replication',
        ]);
        return role.includes('role:master') || role.includes('master_link_status:up');
      });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`,
    ports,
    kill: async (port) => {
      const child = children.get(port);
      if (child) await stopChild(child);
    },
    restart: async (port) => {
      children.set(port, spawnNode(port));
      await waitForRedis(port);
      await settled(port, true);
    },
    stop: async () => {
      await stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function spawnRedis(port: number, dir: string, extraArgs: string[]): ChildProcess {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  child.on('error', () => {});
  return child;
}

async function waitForRedis(port: number): Promise<void> {
  await until(async () => {
    try {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'ping']);
      return stdout.trim() === 'PONG';
    } catch {
      return false;
    }
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** A loopback port nobody listens on (and, for cluster nodes, whose bus port +10000 is free). */
export async function freePort(avoid: number[] = []): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if (avoid.includes(port)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10000))) return port;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Polls a condition until it holds (servers coming up are not something to sleep on). */
export async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface OwnPostgres {
  port: number;
  url: string;
  /** Immediate shutdown: what a crash or a lost server looks like to clients. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL of the test's own (initdb + pg_ctl as the postgres OS user, on a free loopback
 * port, fsync off: its durability is not what is tested), to stop and start at will.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'convstore-pg-'));
  const data = join(dir, 'data');
  await run('chown', ['postgres', dir]);
  const asPostgres = (args: string[]) => run('runuser', ['-u', 'postgres', '--', ...args]);
  await asPostgres([pgBin('initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const pgOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off`;
  const start = async () => {
    await asPostgres([
      'pg_ctl',
      '-D',
      data,
      '-o',
      pgOptions,
      '-l',
      join(dir, 'log'),
      '-w',
      'start',
    ]);
  };
  const stop = async () => {
    await asPostgres([pgBin('pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']).catch(
      () => {},
    );
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A PostgreSQL program: on PATH, or in Debian's versioned directory (newest first). */
function pgBin(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const candidate = join(root, version, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  return name;
}
