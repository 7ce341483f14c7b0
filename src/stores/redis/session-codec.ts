import type { Agent, Message, Metadata, Session } from '../../contract/types.js';
import type { ResolvedMessage } from '../../contract/validation.js';
import { SESSION_FIELD as F } from './fields.js';

/**
 * How sessions and agents are written in Redis, and the list layout's message items (what the
 * hybrid cache keeps and an older redis store wrote; the redis store's own messages are in
 * message-codec.ts). A session hash has the fields of fields.ts SESSION_FIELD. A list item is one
 * JSON string `{"seq":..,"messageId":..,"createdAt":<ms>,"role":..,...}`; the scripts write seq,
 * messageId and createdAt in front of the body built here.
 */
export type SessionHash = Record<string, string>;

export function sessionFromHash(userId: string, sessionId: string, hash: SessionHash): Session {
  return {
    userId,
    sessionId,
    agentId: hash[F.agentId] ? (hash[F.agentId] as string) : null,
    title: JSON.parse(hash[F.title] ?? 'null') as string | null,
    metadata: JSON.parse(hash[F.metadata] ?? '{}') as Metadata,
    createdAt: microsToDate(hash[F.createdAt]),
    updatedAt: microsToDate(hash[F.updatedAt] ?? hash[F.createdAt]),
    expiresAt: hash[F.expiresAt] ? microsToDate(hash[F.expiresAt]) : null,
    lastSeq: Number(hash[F.lastSeq] ?? 0),
    messageCount: Number(hash[F.messageCount] ?? 0),
  };
}

/** True when a session hash (HGETALL) names a session. */
export function isSessionHash(hash: SessionHash): boolean {
  return hash[F.lastSeq] !== undefined;
}

/** A script's HGETALL reply (a flat field, value list) as a record. */
export function hashFromList(list: readonly string[]): SessionHash {
  const hash: SessionHash = {};
  for (let i = 0; i + 1 < list.length; i += 2) hash[list[i] as string] = list[i + 1] as string;
  return hash;
}

/**
 * A message item: `{"seq":..,"messageId":..,"createdAt":<ms>,<body>}` with the body's members
 * (see messageBody), plus `version` and `updatedAt` (ms) once it has changed. Items written
 * before messages had structure lack the newer members: they read as plain messages.
 */
export function messageFromItem(item: string): Message {
  const parsed = JSON.parse(item) as StoredItem;
  const createdAt = new Date(parsed.createdAt);
  const leaseRanOut =
    parsed.status === 'streaming' &&
    parsed.leaseExpiresAt !== undefined &&
    parsed.leaseExpiresAt <= Date.now();
  return {
    seq: parsed.seq,
    messageId: parsed.messageId,
    role: parsed.role,
    content: parsed.content,
    metadata: parsed.metadata,
    createdAt,
    data: parsed.data ?? null,
    format: parsed.format ?? null,
    kind: parsed.kind ?? 'message',
    toolCallIds: parsed.toolCallIds ?? [],
    toolResultIds: parsed.toolResultIds ?? [],
    status: leaseRanOut ? 'aborted' : (parsed.status ?? 'complete'),
    version: parsed.version ?? 1,
    updatedAt: parsed.updatedAt === undefined ? createdAt : new Date(parsed.updatedAt),
    usage: parsed.usage ?? null,
    tokenCount: parsed.tokenCount ?? Math.ceil(Buffer.byteLength(parsed.content, 'utf8') / 4),
  };
}

type StoredItem = Pick<Message, 'seq' | 'messageId' | 'role' | 'content' | 'metadata'> &
  Partial<Omit<Message, 'createdAt' | 'updatedAt'>> & {
    createdAt: number;
    updatedAt?: number;
    leaseExpiresAt?: number;
    fingerprint?: string;
  };

/**
 * The JSON members after seq/messageId/createdAt, without braces: the scripts splice them in as
 * given (cjson would re-encode users' JSON and the framework's `data`).
 */
export function messageBody(message: ResolvedMessage): string {
  const { role, content, metadata, data, format, kind, toolCallIds, toolResultIds } = message;
  const { status, usage, tokenCount, fingerprint } = message;
  return JSON.stringify({
    role,
    content,
    metadata,
    data,
    format,
    kind,
    toolCallIds,
    toolResultIds,
    status,
    usage,
    tokenCount,
    fingerprint,
  }).slice(1, -1);
}

/** The fingerprint an item was stored with (null for items older than fingerprints). */
export function itemFingerprint(item: string): string | null {
  return (JSON.parse(item) as StoredItem).fingerprint ?? null;
}

export function agentBody(agent: {
  name: string | null;
  model: string | null;
  settings: Metadata;
}): string {
  return JSON.stringify({ name: agent.name, model: agent.model, settings: agent.settings }).slice(
    1,
    -1,
  );
}

export function agentFromJson(json: string): Agent {
  const parsed = JSON.parse(json) as Omit<Agent, 'createdAt' | 'updatedAt'> & {
    createdAt: number;
    updatedAt: number;
  };
  return {
    ...parsed,
    createdAt: new Date(parsed.createdAt),
    updatedAt: new Date(parsed.updatedAt),
  };
}

export function microsToDate(micros: string | undefined): Date {
  return new Date(Math.floor(Number(micros ?? 0) / 1000));
}
