import type { RedisConnection } from '../../redis/redis-connection.js';
import { CACHE_FIELD, SESSION_FIELD } from '../../redis/fields.js';
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
  defineScripts(redis, SCRIPT_NAMESPACE, scriptsWithFieldNames());
  return redis;
}

/**
 * Each script after one line, `local F = {...}`: the session hash's field names (fields.ts), so
 * that a script spells `F.lastSeq`, never the letter.
 */
function scriptsWithFieldNames(): Record<ScriptName, string> {
  const names = Object.entries({ ...SESSION_FIELD, ...CACHE_FIELD })
    .map(([name, letter]) => `${name} = '${letter}'`)
    .join(', ');
  const scripts = {} as Record<ScriptName, string>;
  for (const [name, lua] of Object.entries(HYBRID_SCRIPTS)) {
    scripts[name as ScriptName] = `local F = { ${names} }\n${lua}`;
  }
  return scripts;
}

export async function runScriptCall<Result>(
  redis: RedisConnection,
  call: ScriptCall<Result>,
): Promise<Result> {
  return call.decode(
    await runScript<unknown>(redis, SCRIPT_NAMESPACE, call.script, call.keys, call.args),
  );
}
