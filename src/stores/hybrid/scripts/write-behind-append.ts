import type { AppendResult } from '../../../contract/types.js';
import type { ResolvedAppendInput } from '../../../contract/validation.js';
import {
  hashFromList,
  messageBody,
  messageFromItem,
  sessionFromHash,
} from '../../redis/session-codec.js';
import type { SessionCacheKeys } from '../cache-keys.js';
import type { ScriptCall } from './script-call.js';
import { resultName } from './script-results.js';

/** What a write-behind append needs besides the input (write-behind-append.lua). */
export interface WriteBehindAppendSpec {
  input: ResolvedAppendInput;
  /** The session's TTL (null: never expires) and max history (null: all). */
  ttlSeconds: number | null;
  maxHistory: number | null;
  windowSize: number;
  /** Refuse when this many entries wait in the stream. */
  maxPending: number;
  /**
   * Set when the caller has just created the session's row in PostgreSQL under the refill
   * lease: its token, and the row's created_at (epoch us); null otherwise.
   */
  created: { leaseToken: string; createdAtUs: string } | null;
}

export type WriteBehindAppendReply =
  | { kind: 'appended'; result: AppendResult }
  | { kind: 'notCached' }
  /** Nothing written: queueFull or idempotencyMismatch (scriptError names the error). */
  | { kind: 'refused'; code: number };

export function writeBehindAppend(
  keys: SessionCacheKeys,
  stream: string,
  spec: WriteBehindAppendSpec,
): ScriptCall<WriteBehindAppendReply> {
  const { userId, sessionId, agentId, messages } = spec.input;
  const args: Array<string | number> = [
    userId,
    sessionId,
    (spec.ttlSeconds ?? 0) * 1000,
    spec.maxHistory ?? 0,
    spec.windowSize,
    agentId ?? '',
    spec.maxPending,
    spec.created?.leaseToken ?? '',
    spec.created?.createdAtUs ?? '',
  ];
  for (const message of messages) args.push(message.messageId, messageBody(message));
  return {
    script: 'writeBehindAppend',
    keys: [...keys, stream],
    args,
    decode(reply) {
      const [code, hash, inserted, items] = reply as [number, string[]?, number?, string[]?];
      const expected = ['done', 'notCached', 'queueFull', 'idempotencyMismatch'] as const;
      switch (resultName('write-behind-append', code, expected)) {
        case 'done':
          return {
            kind: 'appended',
            result: {
              session: sessionFromHash(userId, sessionId, hashFromList(hash!)),
              messages: items!.map(messageFromItem),
              inserted: inserted!,
            },
          };
        case 'notCached':
          return { kind: 'notCached' };
        case 'queueFull':
        case 'idempotencyMismatch':
          return { kind: 'refused', code };
      }
    },
  };
}
