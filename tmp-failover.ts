import { startRedisCluster } from './test/support/servers.js';
import { openRedisConnection } from './src/stores/redis/redis-connection.js';
import { slotOf, BUCKET_TAGS } from './src/stores/hybrid/flush-buckets.js';
const cluster = await startRedisCluster({ masters: 3, replicas: 1 });
const redis: any = await openRedisConnection({ url: cluster.url, failFast: true });
redis.defineCommand('myset', { lua: "redis.call('SET', KEYS[1], ARGV[1]) return 1" });
const victim = redis.slots[slotOf(BUCKET_TAGS[0])][0];
const t0 = Date.now();
let stop = false;
const errs = new Map<string, number>();
const loop = async (tag: string) => {
  let ok = 0;
  while (!stop) {
    const started = Date.now();
    const timer = setTimeout(() => console.log(Date.now() - t0, tag, 'stuck > 3s'), 3000);
    try { const p = redis.pipeline(); p.myset(1, `{${tag}}x`, '1'); p.call('WAIT', 1, 500); const r = await p.exec(); if (r[0][0]) throw r[0][0]; if (r[1][0]) throw r[1][0]; ok++; } catch (e: any) { const k = `${tag} ${e.message.slice(0, 60)}`; if (!errs.has(k)) console.log(Date.now() - t0, k); errs.set(k, (errs.get(k) ?? 0) + 1); await new Promise(r => setTimeout(r, 20)); }
    clearTimeout(timer);
  }
  return ok;
};
const loops = BUCKET_TAGS.slice(0, 2).map(loop);
await new Promise(r => setTimeout(r, 300));
await cluster.kill(Number(victim.split(':')[1]));
console.log('killed at', Date.now() - t0);
await new Promise(r => setTimeout(r, 10000));
stop = true;
console.log(await Promise.race([Promise.all(loops), new Promise(r => setTimeout(() => r('hung'), 3000))]));
redis.disconnect();
await cluster.stop();
process.exit(0);
