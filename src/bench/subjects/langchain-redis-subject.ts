import type { RedisChatMessageHistory } from '@langchain/community/stores/message/ioredis';
import type { Redis } from 'ioredis';
import { forEachParallel, range, type BenchContext } from '../bench-context.js';
import type { OperationName } from '../names.js';
import { Targets } from '../targets.js';
import {
  clearSession,
  historyPayload,
  readSession,
  readSessionCount,
  type SessionRef,
  type Workload,
} from '../workload.js';
import { importLangchain, langchainMessages, type LangchainMessages } from './langchain-loader.js';
import { deleteKeys, openRedis } from './redis-connection.js';
import { langchainOperations } from './langchain-operations.js';
import type { Operation, Subject } from './subject.js';

/** The same sliding TTL the stores are given: LangChain refreshes it with an EXPIRE per add. */
const TTL_SECONDS = 24 * 3600;

/**
 * LangChain's RedisChatMessageHistory (the ioredis one from @langchain/community), on one ioredis
 * connection like the stores'. A list per session, newest first; no user, no listing, no trim.
 */
export class LangchainRedisSubject implements Subject {
  readonly store = 'langchain-redis';
  private redis: Redis | undefined;
  private messages: LangchainMessages | undefined;
  private historyClass: typeof RedisChatMessageHistory | undefined;
  private readonly histories = new Map<string, RedisChatMessageHistory>();
  private targets: Targets | undefined;
  private readonly prefix: string;

  constructor(private readonly context: BenchContext) {
    this.prefix = `${context.runPrefix}:langchain:`;
  }

  async load(workload: Workload): Promise<void> {
    this.targets = new Targets(workload);
    this.messages = await langchainMessages();
    const module = await importLangchain(
      '@langchain/community',
      () => import('@langchain/community/stores/message/ioredis'),
    );
    this.historyClass = module.RedisChatMessageHistory;
    const redis = (this.redis = await openRedis(this.context.redisUrl));
    const readCount = readSessionCount(workload);
    const sessions = [
      ...range(readCount).map((k) => ({ ref: readSession(workload, k), offset: k })),
      ...range(workload.clearSessions).map((k) => ({
        ref: clearSession(workload, k),
        offset: readCount + k,
      })),
    ];
    await forEachParallel(sessions, 8, async ({ ref, offset }) => {
      const items = range(workload.historySize).map((m) =>
        JSON.stringify(this.messages!.stored(historyPayload(workload, offset, m))),
      );
      await redis.lpush(this.key(ref), ...items);
    });
  }

  operations(): Partial<Record<OperationName, Operation>> {
    return langchainOperations((ref) => this.history(ref), this.targets!, this.messages!);
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    await deleteKeys(this.redis, this.prefix);
    this.redis.disconnect();
  }

  private key(ref: SessionRef): string {
    return `${this.prefix}${ref.userId}:${ref.sessionId}`;
  }

  private history(ref: SessionRef): RedisChatMessageHistory {
    const key = this.key(ref);
    let history = this.histories.get(key);
    if (!history) {
      history = new this.historyClass!({
        client: this.redis!,
        sessionId: key,
        sessionTTL: TTL_SECONDS,
      });
      this.histories.set(key, history);
    }
    return history;
  }
}
