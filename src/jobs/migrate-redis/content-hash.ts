import { createHash } from 'node:crypto';
import type { Metadata, Usage } from '../../contract/types.js';

export interface HashedMessage {
  seq: number;
  messageId: string;
  role: string;
  content: string;
  metadata: Metadata;
  data: string | null;
  format: string | null;
  kind: string;
  toolCallIds: string[];
  toolResultIds: string[];
  /** Only the fields that are set; null when none is. */
  usage: Usage | null;
}

export interface SessionDigest {
  messages: number;
  /**
   * SHA-256 over every message's seq, id, role, content, metadata, data (byte for byte), format,
   * kind, tool call ids and usage, in seq order.
   */
  hash: string;
}

/**
 * A digest of a session's messages that is the same wherever they are read from: metadata is
 * serialised with its keys sorted, since jsonb does not keep the source's key order.
 */
export function digestSession(messages: Iterable<HashedMessage>): SessionDigest {
  const hash = createHash('sha256');
  let count = 0;
  for (const message of messages) {
    count++;
    hash.update(
      canonicalJson([
        message.seq,
        message.messageId,
        message.role,
        message.content,
        message.metadata,
        message.data,
        message.format,
        message.kind,
        message.toolCallIds,
        message.toolResultIds,
        usageOrNull(message.usage),
      ]),
    );
    hash.update('\n');
  }
  return { messages: count, hash: hash.digest('hex') };
}

/** Usage without its unset fields, or null: the same whether read from columns or built. */
function usageOrNull(usage: Usage | null): Usage | null {
  if (!usage) return null;
  const set = Object.entries(usage).filter(([, value]) => value !== undefined && value !== null);
  return set.length > 0 ? (Object.fromEntries(set) as Usage) : null;
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
