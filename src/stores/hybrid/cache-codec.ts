import type { Message, Session } from '../../contract/types.js';

/**
 * A session as the fields of a cached session hash (c u e l n a t m, see
 * redis/session-codec.ts), in that order: the scripts take them as one run of arguments.
 */
export function sessionFields(session: Session): string[] {
  return [
    micros(session.createdAt),
    micros(session.updatedAt),
    session.expiresAt ? micros(session.expiresAt) : '',
    String(session.lastSeq),
    String(session.messageCount),
    session.agentId ?? '',
    JSON.stringify(session.title),
    JSON.stringify(session.metadata),
  ];
}

/** A message as a cached list item; seq and messageId lead, the scripts read them from there. */
export function messageItem(message: Message): string {
  return JSON.stringify({
    seq: message.seq,
    messageId: message.messageId,
    createdAt: message.createdAt.getTime(),
    role: message.role,
    content: message.content,
    metadata: message.metadata,
    data: message.data,
    format: message.format,
    kind: message.kind,
    toolCallIds: message.toolCallIds,
    toolResultIds: message.toolResultIds,
    status: message.status,
    version: message.version,
    updatedAt: message.updatedAt.getTime(),
    usage: message.usage,
    tokenCount: message.tokenCount,
  });
}

function micros(date: Date): string {
  return String(date.getTime() * 1000);
}
