import type { Message } from '../../contract/types.js';
import { BODY_PART, BODY_PARTS } from './fields.js';
import { bodyParts } from './message-codec.js';

/**
 * An imported message as import-session.lua stores it: its log member built whole here (the
 * layout of layout.ts HEAD, as insert_message in prelude.lua builds one) with the export's seq,
 * times, version and status, and the script's other values. A draft that was still streaming
 * gets a lease that ran out long ago, so it reads as aborted, as on the SQL stores.
 */
export function importArgs(message: Message): string[] {
  const parts = bodyParts(message);
  const lengths = BODY_PARTS.map((part) => Buffer.byteLength(parts[part], 'utf8'));
  const leaseUntil = message.status === 'streaming' ? 1 : 0;
  const seq = String(message.seq);
  const tail =
    [
      message.createdAt.getTime(),
      message.updatedAt.getTime(),
      message.version,
      JSON.stringify(message.status),
      leaseUntil,
      '""',
      0,
    ].join(',') +
    ',' +
    JSON.stringify([
      message.messageId,
      message.role,
      message.kind,
      message.tokenCount,
      message.toolCallIds,
      message.toolResultIds,
      lengths,
    ]).slice(1, -1);
  // 1-based byte offset of the body's `{`: '[' seq ',"' 8 digits '",' tail ',' then '{'.
  const bodyAt = Buffer.byteLength(seq) + Buffer.byteLength(tail) + 15;
  const body = BODY_PARTS.filter((part) => parts[part] !== '')
    .map((part) => `"${BODY_PART[part]}":${parts[part]}`)
    .join(',');
  const member = `[${seq},"${String(bodyAt).padStart(8, '0')}",${tail},{${body}}]`;
  return [
    seq,
    message.messageId,
    member,
    JSON.stringify(message.toolCallIds),
    JSON.stringify(message.toolResultIds),
  ];
}
