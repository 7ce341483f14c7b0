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
import { buildFunctionLibrary, type FunctionLibrary } from './function-library.js';
import { ScriptRunner, type ScriptCommand } from './script-runner.js';

/**
 * Registers a set of scripts on a connection. ioredis sends EVALSHA and falls back to EVAL when
 * the server does not know a script yet (after a restart or on a new cluster node); with a
 * function library the set runs as FCALL instead (script-runner.ts). Either way a call is one
 * round trip. Names are namespaced: `append` is also a Redis command.
 */
export function defineScripts(
  connection: RedisConnection,
  namespace: string,
  scripts: Readonly<Record<string, string>>,
  library?: FunctionLibrary,
): void {
  for (const [name, lua] of Object.entries(scripts)) {
    connection.defineCommand(`${namespace}_${name}`, { lua });
  }
  const evalCommand = (name: string): ScriptCommand => {
    const command = (connection as unknown as Record<string, ScriptCommand | undefined>)[
      `${namespace}_${name}`
    ];
    if (!command) throw new Error(`script ${name} is not defined`);
    return command;
  };
  runnersOf(connection).set(namespace, new ScriptRunner(connection, evalCommand, library));
}

/** Runs a script registered by defineScripts. All keys must share one hash tag on a cluster. */
export function runScript<T>(
  connection: RedisConnection,
  namespace: string,
  name: string,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<T> {
  const runner = RUNNERS.get(connection)?.get(namespace);
  if (!runner) throw new Error(`scripts ${namespace} are not defined on this connection`);
  return runner.run<T>(name, keys, args);
}

const RUNNERS = new WeakMap<RedisConnection, Map<string, ScriptRunner>>();

function runnersOf(connection: RedisConnection): Map<string, ScriptRunner> {
  let runners = RUNNERS.get(connection);
  if (!runners) RUNNERS.set(connection, (runners = new Map()));
  return runners;
}

export type StoreScriptName = Exclude<keyof typeof SCRIPTS, 'prelude'>;

/**
 * The redis store's scripts as they run: each is the generated tables (the names of fields.ts,
 * layout.ts and script-results.ts, so Lua and TS spell them once), then prelude.lua, then the
 * script itself. As EVAL scripts each carries all of it; in the function library the tables and
 * the prelude are built once and `K` (the keys by name) is set at the start of each function.
 */
export function storeScripts(): StoreScripts {
  built ??= buildStoreScripts();
  return built;
}

interface StoreScripts {
  scripts: Record<StoreScriptName, string>;
  library: FunctionLibrary;
}

/** Built once per process: the same text for every store (and the library hashed once). */
let built: StoreScripts | undefined;

function buildStoreScripts(): StoreScripts {
  const bodies = {} as Record<StoreScriptName, string>;
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (name !== 'prelude') bodies[name as StoreScriptName] = lua;
  }
  const head = `${luaTables()}local K = ${keysByName()}\n${SCRIPTS.prelude}`;
  const scripts = {} as Record<StoreScriptName, string>;
  for (const [name, lua] of Object.entries(bodies)) {
    scripts[name as StoreScriptName] = `${head}\n${lua}`;
  }
  const library = buildFunctionLibrary(SCRIPT_NAMESPACE, {
    head: `${luaTables()}local K\n${SCRIPTS.prelude}`,
    prologue: `K = ${keysByName()}`,
    scripts: bodies,
  });
  return { scripts, library };
}

/** The library and command names of the store's scripts. */
export const SCRIPT_NAMESPACE = 'convstore_redis';

/** The session keys by name (layout.ts SESSION_KEYS), from the call's KEYS. */
function keysByName(): string {
  return `{ ${SESSION_KEYS.map((name, i) => `${name} = KEYS[${i + 1}]`).join(', ')} }`;
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
    `local SESSION_WORDS = { ${[...SESSION_WORDS, ...LEGACY_SESSION_WORDS].map((w) => `'${w}'`).join(', ')} }`,
    `local R = ${quoted(SCRIPT_RESULT)}`,
    `local MSG_ARGS = ${MESSAGE_ARGS}`,
    `local CHANGE_ARGS = ${CHANGE_ARGS}`,
    `local WINDOW_INDEX_VERSION = '${WINDOW_INDEX_VERSION}'`,
    '',
  ].join('\n');
}
