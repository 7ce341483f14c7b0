import type { ScriptCall } from './script-call.js';

/** One flushed stream entry, as flush-ack.lua takes it. */
export interface AckedEntry {
  id: string;
  /** The entry's session hash, cached window and messageId hash. */
  keys: readonly [meta: string, window: string, ids: string];
  /** Drop the cached session once its last entry is acknowledged (PostgreSQL differs). */
  drop: boolean;
  /** The entry's incarnation (session field c when it was queued; '' for a deleted entry). */
  incarnation: string;
}

/** After the flusher's commit: acknowledges `entries` (flush-ack.lua); how many were new. */
export function flushAck(
  stream: string,
  group: string,
  cacheTtlMs: number,
  entries: readonly AckedEntry[],
): ScriptCall<number> {
  const keys = [stream];
  const args: Array<string | number> = [group, cacheTtlMs];
  for (const entry of entries) {
    keys.push(...entry.keys);
    args.push(entry.id, entry.drop ? '1' : '0', entry.incarnation);
  }
  return { script: 'flushAck', keys, args, decode: (reply) => Number(reply) };
}
