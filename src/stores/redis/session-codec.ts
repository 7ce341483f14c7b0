import type { Agent, Message, Metadata, Session } from '../../contract/types.js';

import { SESSION_FIELD as F } from './fields.js';
import { estimateTokens } from './fingerprint.js';

/**
 * How sessions and agents are written in Redis, and the list layout's message items (what the
 * hybrid cache keeps and an older redis store wrote; the store's own messages: message-codec.ts).
 * A session hash has the fields of fields.ts SESSION_FIELD. A list item is one JSON string
 * `{"seq":..,"messageId":..,"createdAt":<ms>,"role":..,...}`; the scripts write seq, messageId and
 * createdAt in front of the body built here.
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
 * A list item as a message. Items written before structured messages hold only seq, messageId,
 * createdAt, role, content and metadata: the other fields read as a plain, complete message.
 */
export function messageFromItem(item: string): Message {
  const parsed = JSON.parse(item) as Partial<Omit<Message, 'createdAt' | 'updatedAt'>> & {
    seq: number;
    messageId: string;
    role: Message['role'];
    createdAt: number;
    updatedAt?: number;
  };
  const content = typeof parsed.content === 'string' ? parsed.content : '';
  const data = parsed.data ?? null;
  return {
    ...parsed,
    content,
    metadata: parsed.metadata ?? {},
    createdAt: new Date(parsed.createdAt),
    data,
    format: parsed.format ?? null,
    kind: parsed.kind ?? 'message',
    toolCallIds: parsed.toolCallIds ?? [],
    toolResultIds: parsed.toolResultIds ?? [],
    status: parsed.status ?? 'complete',
    version: parsed.version ?? 1,
    updatedAt: new Date(parsed.updatedAt ?? parsed.createdAt),
    usage: parsed.usage ?? null,
    tokenCount: parsed.tokenCount ?? estimateTokens(content, data),
  };
}

/** The JSON members after seq/messageId/createdAt: `"role":..,"content":..,"metadata":{..}`. */
export function messageBody(message: Pick<Message, 'role' | 'content' | 'metadata'>): string {
  const { role, content, metadata } = message;
  return JSON.stringify({ role, content, metadata }).slice(1, -1);
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
