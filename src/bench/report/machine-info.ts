import { availableParallelism, cpus, loadavg, totalmem, platform, release } from 'node:os';
import type { BenchContext } from '../bench-context.js';
import { openRedis } from '../subjects/redis-connection.js';

/** What the figures were measured on: they mean nothing without it. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  postgresSettings: Record<string, string>;
  redis: string;
  /**
   * 1-minute load average when the run started and when it ended: above the CPU count, other
   * work shared the machine and absolute figures are slower than the machine can do (ratios,
   * measured interleaved, hold better).
   */
  loadAverage: { start: number; end: number };
}

export async function describeMachine(context: BenchContext): Promise<MachineInfo> {
  const { admin } = context;
  let postgresVersion = 'unavailable';
  const postgresSettings: Record<string, string> = {};
  try {
    const [row] = await admin<{ v: string }[]>`SELECT current_setting('server_version') AS v`;
    postgresVersion = row?.v ?? 'unknown';
    const settings = await admin<{ name: string; setting: string; unit: string | null }[]>`
      SELECT name, setting, unit FROM pg_settings
       WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_connections')`;
    for (const s of settings)
      postgresSettings[s.name] = s.unit ? `${s.setting} ${s.unit}` : s.setting;
  } catch {
    // Reported as unavailable; the PostgreSQL subjects will say why.
  }
  let redisVersion = 'unavailable';
  try {
    const redis = await openRedis(context.redisUrl);
    try {
      const info = await redis.info('server');
      redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    } finally {
      redis.disconnect();
    }
  } catch {
    // Same: the Redis subjects will say why.
  }
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    postgres: postgresVersion,
    postgresSettings,
    redis: redisVersion,
    loadAverage: { start: currentLoad(), end: currentLoad() },
  };
}

export function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
