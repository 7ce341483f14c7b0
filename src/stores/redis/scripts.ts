import { BODY_PART, BODY_PARTS, SESSION_FIELD } from './fields.js';
import {
  CHANGE_ARGS,
  HEAD,
  LEGACY_SESSION_WORDS,
  MESSAGE_ARGS,
  SESSION_KEYS,
  SESSION_WORDS,
  WINDOW_INDEX_VERSION,
} from './layout.js';
import type { RedisConnection } from './redis-connection.js';
import { SCRIPT_RESULT } from './script-results.js';
import { SCRIPTS } from './scripts.generated.js';

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

export type StoreScriptName = Exclude<keyof typeof SCRIPTS, 'prelude'>;

/**
 * The redis store's scripts as they run: each is the generated tables (the names of fields.ts,
 * layout.ts and script-results.ts, so Lua and TS spell them once), then prelude.lua, then the
 * script itself.
 */
export function storeScripts(): Record<StoreScriptName, string> {
  const head = luaTables() + SCRIPTS.prelude;
  const out = {} as Record<StoreScriptName, string>;
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (name !== 'prelude') out[name as StoreScriptName] = `${head}\n${lua}`;
  }
  return out;
}

/** The TS tables as Lua locals (one line each, so script line numbers stay readable). */
export function luaTables(): string {
  const table = (entries: Array<[string, string]>) =>
    `{ ${entries.map(([key, value]) => `${key} = ${value}`).join(', ')} }`;
  const quoted = (record: Record<string, string | number>) =>
    table(Object.entries(record).map(([k, v]) => [k, typeof v === 'number' ? `${v}` : `'${v}'`]));
  return [
    `local F = ${quoted(SESSION_FIELD)}`,
    `local BODY_LETTERS = { ${BODY_PARTS.map((part) => `'${BODY_PART[part]}'`).join(', ')} }`,
    `local H = ${table(HEAD.map(([name], i) => [name, `${i + 1}`]))}`,
    `local HEAD_KIND = { ${HEAD.map(([, kind]) => `'${kind}'`).join(', ')} }`,
    `local K = ${table(SESSION_KEYS.map((name, i) => [name, `KEYS[${i + 1}]`]))}`,
    `local SESSION_WORDS = { ${[...SESSION_WORDS, ...LEGACY_SESSION_WORDS].map((w) => `'${w}'`).join(', ')} }`,
    `local R = ${quoted(SCRIPT_RESULT)}`,
    `local MSG_ARGS = ${MESSAGE_ARGS}`,
    `local CHANGE_ARGS = ${CHANGE_ARGS}`,
    `local WINDOW_INDEX_VERSION = '${WINDOW_INDEX_VERSION}'`,
    '',
  ].join('\n');
}
