import type { TestProject } from 'vitest/node';
import { startRedisCluster } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisClusterUrl: string;
  }
}

/**
 * Global setup of the contract projects on a cluster (redis-cluster, hybrid-cluster-*): a Redis
 * Cluster of three masters with a replica each, on ports of its own, started once for the whole
 * project and stopped (by pid) after it.
 */
export default async function setup(project: TestProject) {
  try {
    const cluster = await startRedisCluster({ masters: 3, replicas: 1 });
    project.provide('redisClusterUrl', cluster.url);
    return () => cluster.stop();
  } catch (error) {
    // Without redis-server on this machine: CI fails, elsewhere the suite is skipped loudly.
    if (process.env.CI === 'true') throw error;
    console.warn(`\n!! could not start a Redis Cluster (${String(error)}): SKIPPED\n`);
    project.provide('redisClusterUrl', '');
    return undefined;
  }
}
