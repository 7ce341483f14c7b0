import type {
  Message,
  MessageKind,
  MessageStatus,
  Metadata,
  Role,
  Usage,
} from '../../contract/types.js';
import { messageAsSent } from '../../contract/message-as-sent.js';
import type { ResolvedMessage } from '../../contract/validation.js';
import { BODY_PART, BODY_PARTS } from './fields.js';
import type { MemberTuple } from './layout.js';
import { CHANGE_ARG_ORDER, MESSAGE_ARG_ORDER } from './layout.js';

/**
 * How a message travels to and from the store's scripts (layout.ts): a new message as its run of
 * ARGV, a stored one as its log member.
 */

/** A message as MESSAGE_ARGS values, in MESSAGE_ARG_ORDER. */
export function messageArgs(message: ResolvedMessage): string[] {
  const parts = bodyParts(message);
  const lengths = BODY_PARTS.map((part) => Buffer.byteLength(parts[part], 'utf8'));
  const tail = JSON.stringify([
    message.messageId,
    message.role,
    message.kind,
    message.tokenCount,
    message.toolCallIds,
    message.toolResultIds,
    lengths,
  ]).slice(1, -1);
  const args: Record<(typeof MESSAGE_ARG_ORDER)[number], string> = {
    messageId: message.messageId,
    fingerprint: message.fingerprint,
    status: message.status,
    toolCallIds: JSON.stringify(message.toolCallIds),
    toolResultIds: JSON.stringify(message.toolResultIds),
    headTail: tail,
    body: joinBody(parts),
  };
  return MESSAGE_ARG_ORDER.map((name) => args[name]);
}

type BodyParts = Record<(typeof BODY_PARTS)[number], string>;

/** The body parts as stored: JSON text, '' for a default (content '', metadata {}, else null). */
export function bodyParts(message: {
  content: string;
  metadata: Metadata;
  data: string | null;
  usage: Usage | null;
  format: string | null;
}): BodyParts {
  return {
    content: message.content === '' ? '' : JSON.stringify(message.content),
    metadata: isEmpty(message.metadata) ? '' : JSON.stringify(message.metadata),
    data: message.data === null ? '' : JSON.stringify(message.data),
    usage: message.usage === null ? '' : JSON.stringify(message.usage),
    format: message.format === null ? '' : JSON.stringify(message.format),
  };
}

/** The body as the scripts keep it: the non-default parts as JSON members (fields.ts). */
function joinBody(parts: BodyParts): string {
  const members: string[] = [];
  for (const part of BODY_PARTS) {
    if (parts[part] !== '') members.push(`"${BODY_PART[part]}":${parts[part]}`);
  }
  return members.join(',');
}

type StoredBody = { c?: string; m?: Metadata; d?: string; u?: Usage; f?: string };

/** Decodes a stored message (a log member); `nowMs` is the server's time, for lease expiry. */
export function messageFromMember(member: string, nowMs: number): Message {
  const [
    seq,
    ,
    createdAt,
    updatedAt,
    version,
    status,
    leaseUntil,
    ,
    ,
    messageId,
    role,
    kind,
    tokenCount,
    toolCallIds,
    toolResultIds,
    ,
    body,
  ] = JSON.parse(member) as MemberTuple;
  const parts = body as StoredBody;
  const expired = status === 'streaming' && leaseUntil > 0 && leaseUntil <= nowMs;
  return {
    seq,
    messageId,
    role: role as Role,
    content: parts.c ?? '',
    metadata: parts.m ?? {},
    createdAt: new Date(createdAt),
    data: parts.d ?? null,
    format: parts.f ?? null,
    kind: kind as MessageKind,
    toolCallIds: Array.isArray(toolCallIds) ? toolCallIds : [],
    toolResultIds: Array.isArray(toolResultIds) ? toolResultIds : [],
    status: (expired ? 'aborted' : status) as MessageStatus,
    version,
    updatedAt: new Date(updatedAt),
    usage: parts.u ?? null,
    tokenCount,
  };
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

/** A script's list of log members as messages. */
export function messagesFromReply(members: unknown, nowMs: number): Message[] {
  return (members as string[]).map((member) => messageFromMember(member, nowMs));
}

/**
 * An append's answers in input order: a message the call stored comes back as its seq alone (it
 * is what was sent, created at the script's `nowMs`), a retried one as its stored member.
 */
export function appendedFromReply(
  answers: unknown,
  sent: readonly ResolvedMessage[],
  nowMs: number,
): Message[] {
  return (answers as Array<number | string>).map((answer, i) =>
    typeof answer === 'number'
      ? messageAsSent(sent[i]!, answer, new Date(nowMs))
      : messageFromMember(answer, nowMs),
  );
}

/** One message of a script reply (a log member). */
export function oneMessageFromReply(member: unknown, nowMs: number): Message {
  return messageFromMember(member as string, nowMs);
}

function isEmpty(metadata: Metadata): boolean {
  for (const _ in metadata) return false;
  return true;
}
