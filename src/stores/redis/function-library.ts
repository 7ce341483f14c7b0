import { createHash } from 'node:crypto';

/**
 * A set of scripts as one Redis function library (Redis 7+, `FUNCTION LOAD`). Sent as EVAL
 * scripts, every call compiles nothing (EVALSHA) but runs the whole text again: the generated
 * tables and every helper of the prelude are rebuilt as new closures on each call, a third of
 * an append's server time (docs/BENCHMARKS.md). In a library they are built once, when the
 * library loads, and each script becomes a function that only runs its own body.
 *
 * The scripts keep reading `KEYS` and `ARGV`: the library declares them as locals shared by the
 * helpers, and each function sets them from its arguments before its body runs (Redis runs one
 * function at a time and a function never yields, so no call sees another's). `prologue` runs
 * after that, before the body (the redis store builds its table of keys by name there).
 *
 * The name carries a hash of the text, so that two versions of convstore on one Redis never
 * call each other's functions, and a version's library, once loaded, never needs replacing.
 */
export interface FunctionLibrary {
  name: string;
  source: string;
  functionName(script: string): string;
}

export interface LibraryParts {
  /** Lua run once when the library loads: tables and helpers (no redis.call at load time). */
  head?: string;
  /** Lua run at the start of every function, after KEYS and ARGV are set. */
  prologue?: string;
  /** Each script's body, by name (names are letters and digits only). */
  scripts: Readonly<Record<string, string>>;
}

export function buildFunctionLibrary(namespace: string, parts: LibraryParts): FunctionLibrary {
  const entries = Object.entries(parts.scripts).sort(([a], [b]) => a.localeCompare(b));
  const body = (hash: string) =>
    [
      'local KEYS, ARGV',
      parts.head ?? '',
      ...entries.map(([script, lua]) =>
        registration(`${namespace}_${hash}_${script}`, lua, parts.prologue ?? ''),
      ),
    ].join('\n');
  // The hash names the functions, so it is taken over the text with a placeholder for itself.
  const hash = createHash('sha1').update(body('#')).digest('hex').slice(0, 12);
  const name = `${namespace}_${hash}`;
  return {
    name,
    source: `#!lua name=${name}\n${body(hash)}\n`,
    functionName: (script) => `${name}_${script}`,
  };
}

function registration(functionName: string, lua: string, prologue: string): string {
  const flags = scriptFlags(lua);
  return [
    'redis.register_function{',
    `  function_name = '${functionName}',`,
    flags.length > 0 ? `  flags = { ${flags.map((flag) => `'${flag}'`).join(', ')} },` : '',
    '  callback = function(keys, args)',
    'KEYS, ARGV = keys, args',
    prologue,
    lua,
    '  end',
    '}',
  ].join('\n');
}

/**
 * The function flags a script declares in a `-- @flags a b (why)` line. A function without flags is
 * refused while the server is out of memory, even when it would only read; `no-writes` marks
 * a read (allowed then, and on replicas), `allow-oom` a script that only removes.
 */
export function scriptFlags(lua: string): string[] {
  const line = /^-- @flags ([a-z -]+)/m.exec(lua);
  if (!line) return [];
  const flags = line[1]!.trim().split(/\s+/);
  for (const flag of flags) {
    if (!FUNCTION_FLAGS.has(flag)) throw new Error(`unknown function flag ${flag}`);
  }
  return flags;
}

const FUNCTION_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster']);
