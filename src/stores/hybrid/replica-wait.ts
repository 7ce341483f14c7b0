import type { Cluster } from 'ioredis';
import { UnavailableError } from '../../contract/errors.js';
import { isCluster, type RedisConnection } from '../redis/redis-connection.js';
import { keySlot } from './flush-buckets.js';
import { runScriptCall, SCRIPT_NAMESPACE, type ScriptCall } from './scripts/script-call.js';

/**
 * Redis replicates asynchronously: a master that fails right after answering a write may not
 * have sent it to any replica, and the replica promoted in its place never saw it. With
 * `cache.waitReplicas`, the cache writes an acknowledgement depends on (write-behind's append
 * and session drops, write-through's write mark) are followed by `WAIT replicas timeout` on the
 * connection that made them (WAIT counts the replicas holding everything that connection
 * wrote), and the write is acknowledged only once that many replicas hold it.
 *
 * On a single Redis the write and the WAIT go in one pipeline (one round trip). On a cluster
 * they are two commands: the write is routed by its keys, then WAIT is sent to the node that
 * serves the keys' slot (WAIT has no key), which must be the node the slot pointed at before the
 * write; if the slot moved in between, the write is not acknowledged. (A cluster pipeline is
 * not used: ioredis 6 leaves a pipeline sent to a master that dies pending for good.)
 */
export interface ReplicaWait {
  replicas: number;
  timeoutMs: number;
}

/** The write reached its master but not enough replicas in time: not acknowledged, retry. */
export class ReplicaLagError extends UnavailableError {}

/** Runs `call` and then WAIT; ReplicaLagError when too few replicas took it. */
export async function runReplicated<Result>(
  redis: RedisConnection,
  call: ScriptCall<Result>,
  wait: ReplicaWait,
): Promise<Result> {
  if (isCluster(redis)) {
    return onCluster(redis, call.keys[0]!, wait, () => runScriptCall(redis, call));
  }
  const [reply] = await pipelined(redis, wait, (pipeline) => {
    const command = (pipeline as unknown as Record<string, PipelineCommand>)[
      `${SCRIPT_NAMESPACE}_${call.script}`
    ];
    if (!command) throw new Error(`script ${call.script} is not defined`);
    command.call(pipeline, call.keys.length, ...call.keys, ...call.args);
  });
  return call.decode(reply);
}

/** Deletes keys (of one slot) and then WAITs. */
export async function deleteReplicated(
  redis: RedisConnection,
  keys: readonly string[],
  wait: ReplicaWait,
): Promise<void> {
  if (isCluster(redis)) {
    await onCluster(redis, keys[0]!, wait, () => redis.del(...keys));
    return;
  }
  await pipelined(redis, wait, (pipeline) => pipeline.del(...keys));
}

type Pipeline = ReturnType<RedisConnection['pipeline']>;
type PipelineCommand = (...args: Array<string | number>) => unknown;

async function pipelined(
  redis: RedisConnection,
  wait: ReplicaWait,
  write: (pipeline: Pipeline) => void,
): Promise<unknown[]> {
  const pipeline = redis.pipeline();
  write(pipeline);
  pipeline.call('WAIT', wait.replicas, wait.timeoutMs);
  const replies: unknown[] = [];
  for (const [error, reply] of (await pipeline.exec()) ?? []) {
    if (error) throw error;
    replies.push(reply);
  }
  checkCopies(Number(replies.pop()), wait);
  return replies;
}

async function onCluster<T>(
  cluster: Cluster,
  key: string,
  wait: ReplicaWait,
  write: () => Promise<T>,
): Promise<T> {
  const slot = keySlot(key);
  const before = cluster.slots[slot]?.[0];
  const result = await write();
  const after = cluster.slots[slot]?.[0];
  const node =
    after === before
      ? cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === after)
      : undefined;
  // A node connection the cluster gave up on queues commands for good: never send it one.
  if (node?.status !== 'ready') {
    throw new ReplicaLagError(
      'the cluster moved the slot during the write (or lost its node), which is therefore not acknowledged; retry',
    );
  }
  checkCopies(Number(await node.call('WAIT', wait.replicas, wait.timeoutMs)), wait);
  return result;
}

function checkCopies(copies: number, wait: ReplicaWait): void {
  if (copies >= wait.replicas) return;
  throw new ReplicaLagError(
    `Redis copied the write to ${copies} of the ${wait.replicas} replicas required (cache.waitReplicas) within ${wait.timeoutMs} ms; it is not acknowledged: retry (a retry with the same messageIds stores nothing twice)`,
  );
}
