import type {
  Message,
  MessageKind,
  MessageStatus,
  Metadata,
  Role,
  Usage,
} from '../../contract/types.js';
import type { ResolvedMessage } from '../../contract/validation.js';
import type { HeadTuple } from './layout.js';
import { CHANGE_ARG_ORDER, MESSAGE_ARG_ORDER } from './layout.js';

/**
 * How a message travels to and from the store's scripts (layout.ts): a new message as its run of
 * ARGV, a stored one as its head and body parts.
 */

/** A message as MESSAGE_ARGS values, in MESSAGE_ARG_ORDER. */
export function messageArgs(message: ResolvedMessage): string[] {
  const parts: Record<(typeof MESSAGE_ARG_ORDER)[number], string> = {
    messageId: message.messageId,
    fingerprint: message.fingerprint,
    role: message.role,
    kind: message.kind,
    status: message.status,
    tokenCount: String(message.tokenCount),
    toolCallIds: JSON.stringify(message.toolCallIds),
    toolResultIds: JSON.stringify(message.toolResultIds),
    ...bodyParts(message),
  };
  return MESSAGE_ARG_ORDER.map((name) => parts[name]);
}

/** The body parts as stored: JSON text, '' for a default (content '', metadata {}, else null). */
export function bodyParts(message: {
  content: string;
  metadata: Metadata;
  data: string | null;
  usage: Usage | null;
  format: string | null;
}): { content: string; metadata: string; data: string; usage: string; format: string } {
  return {
    content: message.content === '' ? '' : JSON.stringify(message.content),
    metadata: isEmpty(message.metadata) ? '' : JSON.stringify(message.metadata),
    data: message.data === null ? '' : JSON.stringify(message.data),
    usage: message.usage === null ? '' : JSON.stringify(message.usage),
    format: message.format === null ? '' : JSON.stringify(message.format),
  };
}

/** One message of a script reply: its head, then content, metadata, data, usage, format. */
export type MessageReply = [head: string, ...parts: Array<string | null>];

/** Decodes a reply message; `nowMs` is the server's time, which decides a lease's expiry. */
export function messageFromReply(reply: MessageReply, nowMs: number): Message {
  const [head, content, metadata, data, usage, format] = reply;
  const [
    seq,
    messageId,
    createdAt,
    updatedAt,
    version,
    status,
    leaseUntil,
    role,
    kind,
    tokenCount,
    toolCallIds,
    toolResultIds,
  ] = JSON.parse(head) as HeadTuple;
  const expired = status === 'streaming' && leaseUntil > 0 && leaseUntil <= nowMs;
  return {
    seq,
    messageId,
    role: role as Role,
    content: content ? (JSON.parse(content) as string) : '',
    metadata: metadata ? (JSON.parse(metadata) as Metadata) : {},
    createdAt: new Date(createdAt),
    data: data ? (JSON.parse(data) as string) : null,
    format: format ? (JSON.parse(format) as string) : null,
    kind: kind as MessageKind,
    toolCallIds: Array.isArray(toolCallIds) ? toolCallIds : [],
    toolResultIds: Array.isArray(toolResultIds) ? toolResultIds : [],
    status: (expired ? 'aborted' : status) as MessageStatus,
    version,
    updatedAt: new Date(updatedAt),
    usage: usage ? (JSON.parse(usage) as Usage) : null,
    tokenCount,
  };
}

function isEmpty(metadata: Metadata): boolean {
  for (const _ in metadata) return false;
  return true;
}

/** The changeable fields of a stored message, as updateMessage, checkpoint and finalize give them. */
export interface MessageChange {
  kind?: MessageKind;
  tokenCount?: number;
  toolCallIds?: string[];
  toolResultIds?: string[];
  content?: string;
  metadata?: Metadata;
  data?: string | null;
  usage?: Usage | null;
  format?: string | null;
}

/** A change as CHANGE_ARGS values (layout.ts CHANGE_ARG_ORDER): '' keeps, '=' + value sets. */
export function changeArgs(change: MessageChange): string[] {
  const set = (value: string) => `=${value}`;
  const { content, metadata, data, usage, format } = change;
  const body = bodyParts({
    content: content ?? '',
    metadata: metadata ?? {},
    data: data ?? null,
    usage: usage ?? null,
    format: format ?? null,
  });
  const parts: Record<(typeof CHANGE_ARG_ORDER)[number], string> = {
    kind: change.kind === undefined ? '' : set(change.kind),
    tokenCount: change.tokenCount === undefined ? '' : set(String(change.tokenCount)),
    toolCallIds: change.toolCallIds === undefined ? '' : set(JSON.stringify(change.toolCallIds)),
    toolResultIds:
      change.toolResultIds === undefined ? '' : set(JSON.stringify(change.toolResultIds)),
    content: content === undefined ? '' : set(body.content),
    metadata: metadata === undefined ? '' : set(body.metadata),
    data: data === undefined ? '' : set(body.data),
    usage: usage === undefined ? '' : set(body.usage),
    format: format === undefined ? '' : set(body.format),
  };
  return CHANGE_ARG_ORDER.map((name) => parts[name]);
}

export function messagesFromReply(replies: unknown, nowMs: number): Message[] {
  return (replies as MessageReply[]).map((reply) => messageFromReply(reply, nowMs));
}
