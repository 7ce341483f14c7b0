import type { Message } from './types.js';
import type { ResolvedMessage } from './validation.js';

/**
 * A message a store has just stored, from what the caller sent: a store answers an append with
 * the seq and time it gave (its content, possibly large, does not travel back), and this is the
 * message a read would return, version 1.
 */
export function messageAsSent(sent: ResolvedMessage, seq: number, createdAt: Date): Message {
  return {
    seq,
    messageId: sent.messageId,
    role: sent.role,
    content: sent.content,
    metadata: sent.metadata,
    createdAt,
    data: sent.data,
    format: sent.format,
    kind: sent.kind,
    toolCallIds: sent.toolCallIds,
    toolResultIds: sent.toolResultIds,
    status: sent.status,
    version: 1,
    updatedAt: createdAt,
    usage: sent.usage,
    tokenCount: sent.tokenCount,
  };
}
