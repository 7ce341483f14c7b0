import { findJsonProblem, findTextProblem, isPlainObject } from '../../contract/json-check.js';
import { ID_PATTERN } from '../../contract/limits.js';
import { ROLES, type Role } from '../../contract/types.js';
import type { Message } from '../../contract/types.js';
import { RedisKeys } from '../../stores/redis/keys.js';
import { SESSION_WORDS } from '../../stores/redis/layout.js';
import { messageFromMember } from '../../stores/redis/message-codec.js';
import {
  agentFromJson,
  hashFromList,
  messageFromItem,
  sessionFromHash,
} from '../../stores/redis/session-codec.js';
import { deleteOutcome } from './delete-outcome.js';
import { MIGRATE_REDIS_SCRIPTS } from './scripts.generated.js';
import { execGrouped, type SourceConnection } from './source-connection.js';
import type {
  ReadOutcome,
  SourceAgent,
  SourceMessage,
  SourceReader,
  SourceSession,
} from './types.js';

export interface ConvstoreReaderOptions {
  redis: SourceConnection;
  /** The redis store's keyPrefix (default `convstore:`). */
  prefix: string;
}

/**
 * convstore's own Redis layout (src/stores/redis/keys.ts): per session a meta hash, a log of
 * message heads scored by seq and a hash of their JSON parts, all under the user's hash tag; or,
 * written by a store from before structured messages, a list of messages oldest first. Both are
 * read (a session has one or the other). The meta hash names the session; the codecs of the redis
 * store itself decode it all, so the two never drift apart. Seqs are the store's own (after
 * trimming or deletes they start above 1 and may have gaps) and are kept as they are.
 */
export function convstoreReader(options: ConvstoreReaderOptions): SourceReader {
  const { redis } = options;
  const keys = new RedisKeys(options.prefix);
  const escapedPrefix = options.prefix.replace(/[*?[\]\\]/g, '\\$&');
  return {
    match: `${escapedPrefix}{*}:meta:*`,
    isSessionKey: (key) => parseMetaKey(key, options.prefix) !== null,
    async read(metaKeys) {
      const named = metaKeys.map((key) => ({ key, name: parseMetaKey(key, options.prefix) }));
      const readable = named.flatMap(({ key, name }) => (name ? [{ key, name }] : []));
      const replies = await execGrouped(
        redis,
        readable.map(({ key, name }) => (pipeline) => {
          const [, log] = keys.store(name.userId, name.sessionId) as [string, string];
          const [, list] = keys.session(name.userId, name.sessionId);
          pipeline.hgetall(key).zrange(log, '0', '-1').lrange(list, 0, -1);
        }),
        3,
      );
      const now = Date.now();
      let reply = 0;
      return named.map(({ key, name }): ReadOutcome => {
        if (!name) return { kind: 'ignored', key, reason: 'not a session key of this prefix' };
        const [hashReply, logReply, listReply] = replies[reply++] ?? [];
        const error = hashReply?.[0] ?? logReply?.[0] ?? listReply?.[0];
        if (error) return { kind: 'unreadable', key, problem: `read failed: ${error.message}` };
        const hash = hashReply?.[1] as Record<string, string>;
        if (Object.keys(hash).length === 0) {
          return { kind: 'ignored', key, reason: 'gone since the scan' };
        }
        try {
          const session = sessionFromHash(name.userId, name.sessionId, hashFromList(flatten(hash)));
          if (session.expiresAt && session.expiresAt.getTime() <= now) {
            return { kind: 'ignored', key, reason: 'expired' };
          }
          const heads = logReply?.[1] as string[];
          const stored =
            heads.length > 0
              ? heads.map((member) => messageFromMember(member, now))
              : (listReply?.[1] as string[]).map(messageFromItem);
          const messages = stored.map(toSourceMessage);
          const sourceSession: SourceSession = {
            key,
            userId: session.userId,
            sessionId: session.sessionId,
            agentId: session.agentId,
            title: session.title,
            metadata: session.metadata,
            createdAt: session.createdAt,
            updatedAt: session.updatedAt,
            expiresAt: session.expiresAt,
            lastSeq: session.lastSeq,
            messages,
            sourceKeys: sessionKeys(keys, name.userId, name.sessionId),
            unchangedIf: [hash.l ?? '', hash.u ?? ''],
          };
          return { kind: 'session', session: sourceSession };
        } catch (problem) {
          return { kind: 'unreadable', key, problem: describe(problem) };
        }
      });
    },
    async readAgents() {
      const entries = Object.entries(await redis.hgetall(keys.agents));
      const agents: SourceAgent[] = [];
      const unreadable: Array<{ key: string; problem: string }> = [];
      for (const [agentId, json] of entries) {
        const where = `${keys.agents} ${agentId}`;
        try {
          const agent = agentFromJson(json);
          const problem = !ID_PATTERN.test(agentId)
            ? 'agent id is invalid'
            : (findJsonProblem(agent.settings ?? {}, 'settings') ??
              findTextProblem(agent.name ?? '', 'name') ??
              findTextProblem(agent.model ?? '', 'model'));
          if (problem) unreadable.push({ key: where, problem });
          else {
            agents.push({
              agentId,
              name: agent.name ?? null,
              model: agent.model ?? null,
              settings: agent.settings ?? {},
              createdAt: validDate(agent.createdAt),
              updatedAt: validDate(agent.updatedAt),
            });
          }
        } catch (problem) {
          unreadable.push({ key: where, problem: describe(problem) });
        }
      }
      return { agents, unreadable };
    },
    async deleteSessions(sessions) {
      const replies = await execGrouped(
        redis,
        sessions.map((session) => (pipeline) => {
          const [meta, ...others] = sessionKeys(keys, session.userId, session.sessionId);
          const evalKeys: string[] = [
            meta as string,
            keys.index(session.userId),
            keys.counts(session.userId),
            ...others,
          ];
          const script = MIGRATE_REDIS_SCRIPTS.deleteConvstoreIfUnchanged;
          const args = [...evalKeys, session.sessionId, ...session.unchangedIf];
          pipeline.eval(script, evalKeys.length, ...(args as [string]));
        }),
        1,
      );
      return deleteOutcome(sessions, replies);
    },
  };
}

/** `<prefix>{<user>}:meta:<session>` -> its user and session; null for any other key. */
export function parseMetaKey(
  key: string,
  prefix: string,
): { userId: string; sessionId: string } | null {
  if (!key.startsWith(`${prefix}{`)) return null;
  const rest = key.slice(prefix.length + 1);
  const close = rest.indexOf('}:meta:');
  if (close <= 0) return null;
  return { userId: rest.slice(0, close), sessionId: rest.slice(close + '}:meta:'.length) };
}

/** Every key a session of either layout may have, the meta hash first. */
function sessionKeys(keys: RedisKeys, userId: string, sessionId: string): string[] {
  const [, list, ids] = keys.session(userId, sessionId);
  return [...keys.store(userId, sessionId).slice(0, SESSION_WORDS.length), list, ids] as string[];
}

function toSourceMessage(message: Message, index: number): SourceMessage {
  if (!Number.isSafeInteger(message.seq) || typeof message.messageId !== 'string') {
    throw new Error(`message ${index + 1}: no seq or messageId`);
  }
  if (!(ROLES as readonly string[]).includes(message.role)) {
    throw new Error(`message ${message.seq}: unknown role`);
  }
  if (typeof message.content !== 'string') throw new Error(`message ${message.seq}: no content`);
  const metadata: unknown = message.metadata ?? {};
  if (!isPlainObject(metadata))
    throw new Error(`message ${message.seq}: metadata is not an object`);
  // The writer takes plain messages only: a session with structured fields is reported (and kept
  // in the source, never deleted) rather than migrated without them.
  const structured =
    message.data !== null ||
    message.format !== null ||
    message.kind !== 'message' ||
    message.toolCallIds.length > 0 ||
    message.toolResultIds.length > 0 ||
    message.status !== 'complete' ||
    message.usage !== null;
  if (structured) {
    throw new Error(
      `message ${message.seq}: has structured fields this migration does not copy yet`,
    );
  }
  return {
    seq: message.seq,
    messageId: message.messageId,
    role: message.role as Role,
    content: message.content,
    metadata,
    createdAt: Number.isNaN(message.createdAt.getTime()) ? null : message.createdAt,
  };
}

function validDate(date: Date): Date | null {
  return Number.isNaN(date.getTime()) ? null : date;
}

function flatten(hash: Record<string, string>): string[] {
  return Object.entries(hash).flat();
}

function describe(problem: unknown): string {
  // JSON.parse's message can quote the text it choked on: users' words. Say only what failed.
  if (problem instanceof SyntaxError) return 'a stored value is not valid JSON';
  return problem instanceof Error ? problem.message : 'unreadable';
}
