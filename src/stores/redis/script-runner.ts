import type { FunctionLibrary } from './function-library.js';
import { isRedisUnavailable } from './redis-errors.js';
import { masters, type RedisConnection } from './redis-connection.js';

/**
 * Runs a set of scripts on one connection, as functions of their library (`FCALL`) where the
 * server has functions, else as scripts (`EVALSHA`, which ioredis falls back to `EVAL` for).
 * Either way a call is one round trip once the server knows the code.
 *
 * The library is loaded lazily, on the first call that finds its function missing: the first
 * call ever, and the first after a restart without persistence or on a new cluster master
 * (functions are replicated and persisted like data, so a promoted replica has them). A
 * missing function means nothing ran, so the call is simply sent again. A server that cannot
 * take functions (before 7.0, or a user without the permission) is remembered, and the set
 * runs as scripts from then on.
 */
export class ScriptRunner {
  private useFunctions: boolean;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly connection: RedisConnection,
    private readonly evalCommand: (script: string) => ScriptCommand,
    private readonly library: FunctionLibrary | undefined,
  ) {
    this.useFunctions = library !== undefined;
  }

  async run<T>(
    script: string,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<T> {
    // At most two FCALLs: the second after loading the library, if the first found it missing.
    for (let attempt = 1; this.useFunctions; attempt++) {
      try {
        return await this.fcall<T>(script, keys, args);
      } catch (error) {
        if (!this.cannotCall(error)) throw error;
      }
      if (attempt === 2) break;
      await this.load();
    }
    return this.evalCommand(script).call(this.connection, keys.length, ...keys, ...args) as T;
  }

  private fcall<T>(
    script: string,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<T> {
    const name = this.library!.functionName(script);
    return this.connection.call('FCALL', name, keys.length, ...keys, ...args) as Promise<T>;
  }

  /** True when the function did not run because the server lacks it or refuses FCALL. */
  private cannotCall(error: unknown): boolean {
    const message = error instanceof Error ? error.message : '';
    if (/Function not found/i.test(message)) return true;
    if (REFUSED.test(message)) {
      this.useFunctions = false;
      return true;
    }
    return false;
  }

  /** Loads the library on every master; concurrent callers share one load. */
  private load(): Promise<void> {
    this.loading ??= this.loadEverywhere().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async loadEverywhere(): Promise<void> {
    await Promise.all(
      masters(this.connection).map(async (node) => {
        try {
          await node.call('FUNCTION', 'LOAD', this.library!.source);
        } catch (error) {
          const message = error instanceof Error ? error.message : '';
          if (/already exists/i.test(message)) return;
          if (isRedisUnavailable(error)) throw error;
          // Refused (no functions, no permission) or not compiled: scripts still work.
          this.useFunctions = false;
        }
      }),
    );
  }
}

export type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

/**
 * FCALL refused before anything ran. Only these: an error raised inside a function that ran
 * (a write after a read, a key the user may not touch) must never send the script again.
 */
const REFUSED = /unknown command .?fcall|NOPERM.*'fcall'/i;
