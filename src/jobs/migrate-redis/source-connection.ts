import type { ChainableCommander, Cluster, Redis } from 'ioredis';

/** The source: one Redis server, or a Redis Cluster (`redis+cluster://`). */
export type SourceConnection = Redis | Cluster;

export function isCluster(connection: SourceConnection): connection is Cluster {
  return 'isCluster' in connection && connection.isCluster === true;
}

/** Each master of a cluster, or the one server: where SCAN has to walk. */
export function scanNodes(connection: SourceConnection): Redis[] {
  return isCluster(connection) ? connection.nodes('master') : [connection];
}

/** One reply of a pipeline: its error, or its result. */
export type Reply = [error: Error | null, result: unknown];

/**
 * Runs the commands of several sessions, `perGroup` commands each, and returns every group's
 * replies. On one server: one pipeline, one round trip. On a cluster a pipeline may only touch
 * one slot, and one session's keys share a slot (they carry its hash tag, or are one key), so
 * each session gets a pipeline of its own, all in flight at once.
 */
export async function execGrouped(
  connection: SourceConnection,
  groups: Array<(pipeline: ChainableCommander) => void>,
  perGroup: number,
): Promise<Reply[][]> {
  if (isCluster(connection)) {
    return Promise.all(
      groups.map(async (queue) => {
        const pipeline = connection.pipeline();
        queue(pipeline);
        return ((await pipeline.exec()) ?? []) as Reply[];
      }),
    );
  }
  const pipeline = connection.pipeline();
  for (const queue of groups) queue(pipeline);
  const replies = ((await pipeline.exec()) ?? []) as Reply[];
  return groups.map((_, index) => replies.slice(index * perGroup, (index + 1) * perGroup));
}
