import type { RedisConnection } from '../redis/redis-connection.js';
import type { SqlDriver } from '../sql/sql-driver.js';
import type { CacheHealth } from './cache-health.js';
import type { CacheKeys } from './cache-keys.js';
import type { CacheSettings } from './cache-settings.js';
import type { FlushEntry } from './flush-entry.js';
import { FlushWriter } from './flush-writer.js';
import { closeConnections, openHybridConnection } from './hybrid-connections.js';
import { StreamFlusher } from './stream-flusher.js';

export interface OpenFlusherOptions {
  settings: CacheSettings;
  keys: CacheKeys;
  driver: SqlDriver;
  schema: string;
  maxHistory: number | null;
  health: CacheHealth;
  log: (message: string) => void;
  /** The connection for short commands, when the caller has one (the store's own); else opened. */
  redis?: RedisConnection;
  /** Open even while Redis does not answer (the in-process flusher of a store). */
  tolerateDown: boolean;
  beforeCommit?: (entries: readonly FlushEntry[]) => Promise<void> | void;
  afterCommit?: (entries: readonly FlushEntry[]) => Promise<void> | void;
}

export interface OpenedFlusher {
  flusher: StreamFlusher;
  /** Closes the connections openFlusher opened (not a `redis` passed in). */
  close(): Promise<void>;
}

/**
 * The write-behind flusher with its connections, as the store runs it in its process and
 * `runFlusher` (`convstore flush`) runs it on its own: one way to build it, so both write
 * exactly the same.
 */
export async function openFlusher(options: OpenFlusherOptions): Promise<OpenedFlusher> {
  const { settings, tolerateDown } = options;
  const opened: RedisConnection[] = [];
  const connect = async () => {
    const connection = await openHybridConnection(settings.url, tolerateDown);
    opened.push(connection);
    return connection;
  };
  try {
    const redis = options.redis ?? (await connect());
    // A connection of its own for the blocking wait, which would hold up anything queued behind it.
    const waiter = await connect();
    const flusher = new StreamFlusher({
      redis,
      waiter,
      keys: options.keys,
      writer: new FlushWriter(options.driver, options.schema, options.maxHistory),
      health: options.health,
      batchSize: settings.flushBatchSize,
      claimIdleMs: settings.claimIdleMs,
      cacheTtlMs: settings.cacheTtlMs,
      beforeCommit: options.beforeCommit,
      afterCommit: options.afterCommit,
      log: options.log,
    });
    return { flusher, close: () => closeConnections(opened) };
  } catch (error) {
    for (const connection of opened) connection.disconnect();
    throw error;
  }
}
