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

export interface FlushMessage {
  seq: number;
  messageId: string;
  createdAt: number;
  role: string;
  content: string;
  metadata: Record<string, unknown>;
}

/** An entry as XREADGROUP / XAUTOCLAIM return it: [id, [field, value, ...] | null]. */
export type RawStreamEntry = [string, string[] | null];

export function parseEntry([id, fields]: RawStreamEntry): FlushEntry {
  if (!fields) return { id, userId: '', sessionId: '', data: null };
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
  return {
    id,
    userId: record.u ?? '',
    sessionId: record.s ?? '',
    data: record.d ? (JSON.parse(record.d) as FlushData) : null,
  };
}
