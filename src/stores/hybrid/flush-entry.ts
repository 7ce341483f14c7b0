import { SchemaMismatchError } from '../../contract/errors.js';

/** One write-behind stream entry: the messages one append stored, as Redis numbered them. */
export interface FlushEntry {
  /** The stream entry id (what XACK takes). */
  id: string;
  userId: string;
  sessionId: string;
  /** Null when the entry was deleted while pending (nothing to write, only to acknowledge). */
  data: FlushData | null;
}

export interface FlushData {
  agentId: string | null;
  /** The Redis session's creation (epoch microseconds): tells a restarted session from a lagging one. */
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  messages: FlushMessage[];
}

/**
 * A stored item as write-behind-append.lua built it: seq, messageId, createdAt (epoch ms), then
 * the members of the resolved message (session-codec.ts messageBody); flush-insert.sql reads
 * them. Items of earlier releases have only role, content and metadata: the SQL fills defaults.
 */
export interface FlushMessage {
  seq: number;
  messageId: string;
  createdAt: number;
  role: string;
  content: string;
  metadata: Record<string, unknown>;
  data?: string | null;
  format?: string | null;
  kind?: string;
  toolCallIds?: string[];
  toolResultIds?: string[];
  status?: string;
  usage?: Record<string, unknown> | null;
  tokenCount?: number;
  fingerprint?: string;
}

/** An entry as XREADGROUP / XAUTOCLAIM return it: [id, [field, value, ...] | null]. */
export type RawStreamEntry = [string, string[] | null];

/**
 * The entry versions this code reads, by the value of field v (write-behind-append.lua writes
 * 2). Version 1 is the entry of earlier releases, without a v field: d a JSON object of numbers,
 * its messages objects.
 */
const DECODERS: Record<string, (d: string) => FlushData> = {
  '1': (d) => JSON.parse(d) as FlushData,
  '2': (d) => {
    const entry = JSON.parse(d) as {
      agentId: string | null;
      createdAt: string;
      updatedAt: string;
      expiresAt: string | null;
      messages: string[];
    };
    return {
      agentId: entry.agentId,
      createdAt: Number(entry.createdAt),
      updatedAt: Number(entry.updatedAt),
      expiresAt: entry.expiresAt === null ? null : Number(entry.expiresAt),
      messages: entry.messages.map((item) => JSON.parse(item) as FlushMessage),
    };
  },
};

/**
 * Decodes an entry; one of a version this code does not know (queued by a newer release) is
 * refused with SchemaMismatchError: it is neither written nor acknowledged, and stays pending
 * for a flusher that knows it.
 */
export function parseEntry([id, fields]: RawStreamEntry): FlushEntry {
  if (!fields) return { id, userId: '', sessionId: '', data: null };
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
  const version = record.v ?? '1';
  const decode = Object.hasOwn(DECODERS, version) ? DECODERS[version] : undefined;
  if (!decode) {
    throw new SchemaMismatchError(
      `write-behind stream entry ${id} has version ${version.slice(0, 16)}, which this flusher does not know: run the release that queued it`,
    );
  }
  return {
    id,
    userId: record.u ?? '',
    sessionId: record.s ?? '',
    data: record.d ? decode(record.d) : null,
  };
}
