import { UnavailableError } from '../../contract/errors.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { SCRIPT_NAMESPACE, type ScriptCall } from './scripts/script-call.js';

/**
 * Redis replicates asynchronously: a master that fails right after answering a write may not
 * have sent it to any replica, and the replica promoted in its place never saw it. With
 * `cache.waitReplicas`, the cache writes an acknowledgement depends on (write-behind's append
 * and session drops, write-through's write mark) are followed by `WAIT replicas timeout` in the
 * same pipeline: it goes to the node that took the write (WAIT has no key, so the pipeline is
 * routed by the script's keys), still one round trip, and the write is acknowledged only once
 * that many replicas hold it.
 */
export interface ReplicaWait {
  replicas: number;
  timeoutMs: number;
}

/** The write reached its master but not enough replicas in time: not acknowledged, retry. */
export class ReplicaLagError extends UnavailableError {}

/** Runs `call` and then WAIT, in one pipeline; ReplicaLagError when too few replicas took it. */
export async function runReplicated<Result>(
  redis: RedisConnection,
  call: ScriptCall<Result>,
  wait: ReplicaWait,
): Promise<Result> {
  const [reply] = await withWait(redis, wait, (pipeline) => {
    const command = (pipeline as unknown as Record<string, PipelineCommand>)[
      `${SCRIPT_NAMESPACE}_${call.script}`
    ];
    if (!command) throw new Error(`script ${call.script} is not defined`);
    command.call(pipeline, call.keys.length, ...call.keys, ...call.args);
  });
  return call.decode(reply);
}

/** Deletes keys (one slot) and then WAITs, in one pipeline. */
export async function deleteReplicated(
  redis: RedisConnection,
  keys: readonly string[],
  wait: ReplicaWait,
): Promise<void> {
  await withWait(redis, wait, (pipeline) => pipeline.del(...keys));
}

type Pipeline = ReturnType<RedisConnection['pipeline']>;
type PipelineCommand = (...args: Array<string | number>) => unknown;

async function withWait(
  redis: RedisConnection,
  wait: ReplicaWait,
  write: (pipeline: Pipeline) => void,
): Promise<unknown[]> {
  const pipeline = redis.pipeline();
  write(pipeline);
  pipeline.call('WAIT', wait.replicas, wait.timeoutMs);
  const results = (await pipeline.exec()) ?? [];
  const replies: unknown[] = [];
  for (const [error, reply] of results) {
    if (error) throw error;
    replies.push(reply);
  }
  const copies = Number(replies.pop());
  if (!(copies >= wait.replicas)) {
    throw new ReplicaLagError(
      `Redis copied the write to ${copies} of the ${wait.replicas} replicas required (cache.waitReplicas) within ${wait.timeoutMs} ms; it is not acknowledged: retry (a retry with the same messageIds stores nothing twice)`,
    );
  }
  return replies;
}
