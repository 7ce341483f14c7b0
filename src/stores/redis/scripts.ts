import type { RedisConnection } from './redis-connection.js';

/**
 * Registers Lua scripts as commands. ioredis sends EVALSHA and falls back to EVAL when the server
 * does not know the script yet (after a restart or on a new cluster node), so a call is one round
 * trip. Names are namespaced: `append` is also a Redis command.
 */
export function defineScripts(
  connection: RedisConnection,
  namespace: string,
  scripts: Readonly<Record<string, string>>,
): void {
  for (const [name, lua] of Object.entries(scripts)) {
    connection.defineCommand(`${namespace}_${name}`, { lua });
  }
}

/** Runs a script registered by defineScripts. All keys must share one hash tag on a cluster. */
export function runScript<T>(
  connection: RedisConnection,
  namespace: string,
  name: string,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<T> {
  const command = (connection as unknown as Record<string, ScriptCommand<T>>)[
    `${namespace}_${name}`
  ];
  if (!command) throw new Error(`script ${name} is not defined`);
  return command.call(connection, keys.length, ...keys, ...args);
}

type ScriptCommand<T> = (...args: Array<string | number>) => Promise<T>;
