import { startRedisCluster } from './test/support/servers.js';
import { runBench } from './src/bench/run-bench.js';
import { renderTable } from './src/bench/report/terminal-table.js';
const cluster = await startRedisCluster({ masters: 3, replicas: 1 });
try {
  const result = await runBench({
    quick: process.argv.includes('--quick'),
    seconds: Number(process.env.BENCH_SECONDS ?? 1),
    growth: [],
    http: false,
    concurrency: [1, 32],
    redisClusterUrl: cluster.url,
    json: '/tmp/bench-cluster.json',
    stores: ['hybrid-write-through', 'hybrid-write-behind', 'hybrid-cluster-write-through', 'hybrid-cluster-write-through-wait1', 'hybrid-cluster-write-behind', 'hybrid-cluster-write-behind-wait1'],
  });
  console.log(renderTable(result));
} finally {
  await cluster.stop();
}
