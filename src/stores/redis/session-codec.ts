import type { Agent, Message, Metadata, NewMessage, Session } from '../../contract/types.js';

/**
 * How sessions, messages and agents are written in Redis. A session hash has short fields:
 *   c created, u updated, e expires ('' never) - epoch microseconds, as Redis TIME gives them;
 *   l last seq, n kept messages, a agent id ('' none), t title (JSON), m metadata (JSON).
 * A message is one JSON string `{"seq":..,"messageId":..,"createdAt":<ms>,"role":..,...}`; the
 * scripts write seq, messageId and createdAt in front of the body built here.
 */
export type SessionHash = Record<string, string>;

export function sessionFromHash(userId: string, sessionId: string, hash: SessionHash): Session {
  return {
    userId,
    sessionId,
    agentId: hash.a ? hash.a : null,
    title: JSON.parse(hash.t ?? 'null') as string | null,
    metadata: JSON.parse(hash.m ?? '{}') as Metadata,
    createdAt: microsToDate(hash.c),
    updatedAt: microsToDate(hash.u ?? hash.c),
    expiresAt: hash.e ? microsToDate(hash.e) : null,
    lastSeq: Number(hash.l ?? 0),
    messageCount: Number(hash.n ?? 0),
  };
}

/** A script's HGETALL reply (a flat field, value list) as a record. */
export function hashFromList(list: readonly string[]): SessionHash {
  const hash: SessionHash = {};
  for (let i = 0; i + 1 < list.length; i += 2) hash[list[i] as string] = list[i + 1] as string;
  return hash;
}

export function messageFromItem(item: string): Message {
  const parsed = JSON.parse(item) as Omit<Message, 'createdAt'> & { createdAt: number };
  return { ...parsed, createdAt: new Date(parsed.createdAt) };
}

/** The JSON members after seq/messageId/createdAt: `"role":..,"content":..,"metadata":{..}`. */
export function messageBody(message: Required<Omit<NewMessage, 'messageId'>>): string {
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
