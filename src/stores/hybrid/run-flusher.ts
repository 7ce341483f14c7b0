import { resolveStoreOptions, type StoreOptions } from '../../options.js';
import { ValidationError } from '../../contract/errors.js';
import { openPostgresDriver } from '../postgres/postgres-driver.js';
import { DEFAULT_KEY_PREFIX } from '../redis/keys.js';
import { assertSchemaCurrent } from '../sql/migrator.js';
import { toStoreError } from '../sql/sql-errors.js';
import { CacheHealth } from './cache-health.js';
import { CacheKeys } from './cache-keys.js';
import { resolveCacheSettings } from './cache-settings.js';
import { openFlusher } from './open-flusher.js';

export interface RunFlusherOptions extends StoreOptions {
  /** Stops the flusher (after its current batch) when aborted. */
  signal?: AbortSignal;
  /** Write what is queued now, then return, instead of running until `signal` aborts. */
  once?: boolean;
  /** Called with each batch written but not yet committed (observability, tests). */
  onWritten?: (entries: number) => Promise<void> | void;
  /** Called after each batch is committed and before it is acknowledged (observability, tests). */
  onCommitted?: (entries: number) => Promise<void> | void;
  log?: (message: string) => void;
}

export interface FlusherReport {
  /** Stream entries this run wrote to PostgreSQL. */
  flushed: number;
  /** Batches that failed and were retried. */
  failures: number;
  /** Of `flushed`, entries discarded: their session was deleted or reclaimed meanwhile. */
  discarded: number;
}

/**
 * The write-behind flusher as its own process (`convstore flush`): the same options as the
 * hybrid store (url, schema, maxHistory, ttlSeconds, cache), so it writes exactly what the store
 * would. Several may run at once (one consumer group); one that dies leaves its batch to the
 * others after `cache.claimIdleMs`.
 */
export async function runFlusher(options: RunFlusherOptions): Promise<FlusherReport> {
  const {
    signal,
    once,
    onWritten,
    onCommitted,
    log = (message) => console.warn(message),
    ...store
  } = options;
  const resolved = resolveStoreOptions(store);
  if (!resolved.cache) throw ValidationError.field('cache', 'is required to run the flusher');
  const settings = resolveCacheSettings(resolved);
  const keys = new CacheKeys(resolved.cache.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const driver = await openPostgresDriver({ url: resolved.url, poolSize: 1 });
  let close = async () => {};
  try {
    await assertSchemaCurrent(driver, resolved.schema).catch((error: unknown) => {
      throw toStoreError(error);
    });
    const health = new CacheHealth(log);
    const opened = await openFlusher({
      settings,
      keys,
      driver,
      schema: resolved.schema,
      maxHistory: resolved.maxHistory,
      health,
      log,
      tolerateDown: false,
      beforeCommit: onWritten ? (entries) => onWritten(entries.length) : undefined,
      afterCommit: onCommitted ? (entries) => onCommitted(entries.length) : undefined,
    });
    close = opened.close;
    const { flusher } = opened;
    if (once) {
      await flusher.flushNow();
    } else {
      flusher.start();
      await new Promise<void>((resolve) => {
        if (signal?.aborted) resolve();
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      await flusher.stop();
      await flusher.flushNow().catch(() => {});
    }
    return {
      flushed: health.stats.flushed,
      failures: health.stats.flushFailures,
      discarded: health.stats.discarded,
    };
  } finally {
    await close();
    await driver.close();
  }
}
