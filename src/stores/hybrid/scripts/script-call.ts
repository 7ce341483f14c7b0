import type { RedisConnection } from '../../redis/redis-connection.js';
import { defineScripts, runScript } from '../../redis/scripts.js';
import { HYBRID_SCRIPTS } from '../scripts.generated.js';

/** The hybrid's scripts are registered under this prefix (ioredis command names). */
export const SCRIPT_NAMESPACE = 'convstore_hybrid';

export type ScriptName = keyof typeof HYBRID_SCRIPTS;

/**
 * One call of a hybrid script, as its typed module beside the .lua builds it: KEYS and ARGV in
 * the order the script's header lists them, and how its reply reads.
 */
export interface ScriptCall<Result> {
  script: ScriptName;
  keys: readonly string[];
  args: ReadonlyArray<string | number>;
  decode(reply: unknown): Result;
}

/** Registers the hybrid's scripts on a connection (once per connection). */
export function defineHybridScripts(redis: RedisConnection): RedisConnection {
  defineScripts(redis, SCRIPT_NAMESPACE, HYBRID_SCRIPTS);
  return redis;
}

export async function runScriptCall<Result>(
  redis: RedisConnection,
  call: ScriptCall<Result>,
): Promise<Result> {
  return call.decode(
    await runScript<unknown>(redis, SCRIPT_NAMESPACE, call.script, call.keys, call.args),
  );
}
