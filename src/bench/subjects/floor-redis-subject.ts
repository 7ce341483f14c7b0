import type { Redis } from 'ioredis';
import { forEachParallel, range, type BenchContext } from '../bench-context.js';
import type { OperationName } from '../names.js';
import { Targets } from '../targets.js';
import { historyPayload, readSessionCount, type Workload } from '../workload.js';
import { deleteKeys, openRedis } from './redis-connection.js';
import type { Operation, Subject } from './subject.js';

/**
 * The Redis floors on one ioredis connection: a PING round trip, an LRANGE of 50 items the size
 * of stored messages (each a JSON message as a Redis store would keep it), and the same LRANGE
 * with its items decoded into message objects: the least any store reading from Redis must do
 * before it can hand messages to its caller.
 */
export class FloorRedisSubject implements Subject {
  readonly store = 'floor-redis';
  private redis: Redis | undefined;
  private targets: Targets | undefined;
  private readonly prefix: string;
  /** The last decoded page: kept, so that the decoding cannot be optimised away. */
  private lastPage: unknown[] = [];

  constructor(private readonly context: BenchContext) {
    this.prefix = `${context.runPrefix}:floor:`;
  }

  async load(workload: Workload): Promise<void> {
    this.targets = new Targets(workload);
    const redis = (this.redis = await openRedis(this.context.redisUrl));
    await forEachParallel(range(readSessionCount(workload)), 8, async (k) => {
      const items = range(workload.historySize).map((m) => {
        const p = historyPayload(workload, k, m);
        return JSON.stringify({
          seq: m + 1,
          messageId: `m${m}`,
          role: p.role,
          content: p.content,
          metadata: p.metadataObject,
          createdAt: new Date(0).toISOString(),
        });
      });
      await redis.rpush(`${this.prefix}${k}`, ...items);
    });
  }

  operations(): Partial<Record<OperationName, Operation>> {
    const redis = this.redis!;
    const targets = this.targets!;
    const size = targets.workload.historySize;
    return {
      ping: async () => {
        await redis.ping();
      },
      lrange50: async (n) => {
        await redis.lrange(`${this.prefix}${targets.sessionIndex('read', n)}`, -size, -1);
      },
      lrange50_decoded: async (n) => {
        const items = await redis.lrange(
          `${this.prefix}${targets.sessionIndex('read', n)}`,
          -size,
          -1,
        );
        this.lastPage = items.map(decodeItem);
      },
    };
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    await deleteKeys(this.redis, this.prefix);
    this.redis.disconnect();
  }
}

function decodeItem(item: string): unknown {
  const message = JSON.parse(item) as { createdAt: string };
  return { ...message, createdAt: new Date(message.createdAt) };
}
