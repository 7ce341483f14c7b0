import { convertLangChainMessage } from './langchain-message.js';
import { sessionIdFromKey } from './key-pattern.js';
import { deleteOutcome } from './delete-outcome.js';
import { MIGRATE_REDIS_SCRIPTS } from './scripts.generated.js';
import { execGrouped, type SourceConnection } from './source-connection.js';
import type { ReadOutcome, SourceMessage, SourceReader, SourceSession } from './types.js';

export interface LangChainReaderOptions {
  redis: SourceConnection;
  /** SCAN MATCH glob for the history keys; with one `*`, the session id is what it matched. */
  keyPattern: string;
  /** The owner of every migrated session: LangChain's layout has no user. */
  userId: string;
  agentId: string | null;
}

/**
 * LangChain's RedisChatMessageHistory: one Redis list per session, the key being the session id
 * itself, each element a JSON message, newest first (it LPUSHes). Reading the list from the tail
 * gives chronological order, and positions counted from the tail do not move when a live writer
 * pushes more: so seq (1 = the oldest) is the same on every run.
 */
export function langChainReader(options: LangChainReaderOptions): SourceReader {
  const { redis, keyPattern } = options;
  return {
    match: keyPattern,
    isSessionKey: () => true,
    async read(keys) {
      const replies = await execGrouped(
        redis,
        keys.map((key) => (pipeline) => pipeline.type(key).lrange(key, 0, -1).pttl(key)),
        3,
      );
      const now = Date.now();
      return keys.map((key, index): ReadOutcome => {
        const [typeReply, listReply, ttlReply] = replies[index] ?? [];
        const type = typeReply?.[1];
        if (type === 'none') return { kind: 'ignored', key, reason: 'gone since the scan' };
        if (type !== 'list')
          return { kind: 'ignored', key, reason: `a ${String(type)}, not a list` };
        const error = listReply?.[0] ?? ttlReply?.[0];
        if (error) return { kind: 'unreadable', key, problem: `read failed: ${error.message}` };
        const sessionId = sessionIdFromKey(key, keyPattern);
        if (sessionId === null) {
          return { kind: 'unreadable', key, problem: 'the key does not give a valid session id' };
        }
        const newestFirst = listReply?.[1] as string[];
        const elements = newestFirst.slice().reverse();
        const messages: SourceMessage[] = [];
        for (const [position, raw] of elements.entries()) {
          const converted = convertLangChainMessage(raw, position + 1);
          if (!converted.ok) return { kind: 'unreadable', key, problem: converted.problem };
          messages.push(converted.message);
        }
        const ttl = Number(ttlReply?.[1]);
        const session: SourceSession = {
          key,
          userId: options.userId,
          sessionId,
          agentId: options.agentId,
          title: null,
          metadata: {},
          createdAt: null,
          updatedAt: null,
          expiresAt: ttl > 0 ? new Date(now + ttl) : null,
          lastSeq: messages.length,
          messages: withDistinctIds(messages),
          sourceKeys: [key],
          unchangedIf: [String(newestFirst.length), newestFirst[0] ?? ''],
        };
        return { kind: 'session', session };
      });
    },
    async deleteSessions(sessions) {
      const replies = await execGrouped(
        redis,
        sessions.map((session) => (pipeline) => {
          const script = MIGRATE_REDIS_SCRIPTS.deleteLangchainIfUnchanged;
          pipeline.eval(script, 1, session.key, ...session.unchangedIf);
        }),
        1,
      );
      return deleteOutcome(sessions, replies);
    },
  };
}

/** LangChain ids are optional and unchecked; when any repeats, every message uses lc-<seq>. */
function withDistinctIds(messages: SourceMessage[]): SourceMessage[] {
  const ids = new Set(messages.map((message) => message.messageId));
  if (ids.size === messages.length) return messages;
  return messages.map((message) => ({ ...message, messageId: `lc-${message.seq}` }));
}
