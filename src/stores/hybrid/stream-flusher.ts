import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '../redis/redis-connection.js';
import type { CacheHealth } from './cache-health.js';
import { FLUSH_GROUP, type CacheKeys } from './cache-keys.js';
import { parseEntry, type FlushEntry, type RawStreamEntry } from './flush-entry.js';
import { incarnationKey, type FlushWriter } from './flush-writer.js';
import { flushAck } from './scripts/flush-ack.js';
import { runScriptCall } from './scripts/script-call.js';

export interface StreamFlusherOptions {
  /** For short commands (reads without BLOCK, claims, acknowledgements). */
  redis: RedisConnection;
  /** A connection of its own for the blocking wait, which would hold up anything queued behind it. */
  waiter: RedisConnection;
  keys: CacheKeys;
  writer: FlushWriter;
  health: CacheHealth;
  batchSize: number;
  /** Entries pending this long in another consumer are taken over (it is presumed dead). */
  claimIdleMs: number;
  cacheTtlMs: number;
  /** Hooks (observability, tests): inside the transaction before its commit; after the commit. */
  beforeCommit?: (entries: readonly FlushEntry[]) => Promise<void> | void;
  afterCommit?: (entries: readonly FlushEntry[]) => Promise<void> | void;
  log: (message: string) => void;
}

/**
 * Moves write-behind entries from the Redis stream to PostgreSQL, at least once: read (own
 * pending first, then entries a dead flusher left, then new ones), write the batch in one
 * transaction, and only then acknowledge. A flusher killed between commit and acknowledgement
 * leaves its entries pending; the next one claims them and writes them again, which changes
 * nothing (the insert is idempotent per messageId).
 */
export class StreamFlusher {
  readonly consumer = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private groupReady = false;

  constructor(private readonly options: StreamFlusherOptions) {}

  /** Starts the background loop (the in-process flusher). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Writes everything this flusher can take now; resolves with how many entries it wrote. */
  flushNow(): Promise<number> {
    return this.exclusive(() => this.drain());
  }

  /** Stops the loop after its current batch; entries left are taken by the next flusher. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.waiter.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    while (!this.stopped) {
      try {
        const written = await this.flushNow();
        backoff = MIN_BACKOFF_MS;
        if (written === 0 && !this.stopped) await this.waitForEntries();
      } catch (error) {
        if (this.stopped) return;
        this.options.health.stats.flushFailures++;
        if (backoff === MIN_BACKOFF_MS) {
          const reason = error instanceof Error ? error.name : 'error';
          this.options.log(`convstore: write-behind flush failed (${reason}); retrying`);
        }
        await pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async drain(): Promise<number> {
    try {
      return await this.drainGroup();
    } catch (error) {
      // A Redis that restarted empty has lost the group with the stream: make it again.
      if (error instanceof Error && error.message.includes('NOGROUP')) this.groupReady = false;
      throw error;
    }
  }

  private async drainGroup(): Promise<number> {
    await this.ensureGroup();
    let total = 0;
    for (;;) {
      let entries = await this.readGroup('0');
      if (entries.length === 0) entries = await this.claim();
      if (entries.length === 0) entries = await this.readGroup('>');
      if (entries.length === 0) return total;
      await this.process(entries);
      total += entries.length;
    }
  }

  private async process(entries: FlushEntry[]): Promise<void> {
    const beforeCommit = this.options.beforeCommit;
    const { stale, discarded } = await this.options.writer.write(
      entries,
      beforeCommit ? () => beforeCommit(entries) : undefined,
    );
    await this.options.afterCommit?.(entries);
    const { keys, cacheTtlMs } = this.options;
    const acked = entries.map((entry) => {
      const [meta, window, ids] = keys.session(entry.userId, entry.sessionId);
      return {
        id: entry.id,
        keys: [meta, window, ids] as const,
        drop: stale.has(incarnationKey(entry)),
        incarnation: entry.data ? String(entry.data.createdAt) : '',
      };
    });
    await runScriptCall(this.options.redis, flushAck(keys.stream, FLUSH_GROUP, cacheTtlMs, acked));
    this.options.health.stats.flushed += entries.length;
    this.options.health.stats.discarded += discarded;
  }

  /** id '0': this consumer's own pending entries (a failed batch); '>': new entries. */
  private async readGroup(id: '0' | '>'): Promise<FlushEntry[]> {
    const reply = (await this.options.redis.xreadgroup(
      'GROUP',
      FLUSH_GROUP,
      this.consumer,
      'COUNT',
      this.options.batchSize,
      'STREAMS',
      this.options.keys.stream,
      id,
    )) as Array<[string, RawStreamEntry[]]> | null;
    return (reply?.[0]?.[1] ?? []).map(parseEntry);
  }

  private async claim(): Promise<FlushEntry[]> {
    const reply = (await this.options.redis.xautoclaim(
      this.options.keys.stream,
      FLUSH_GROUP,
      this.consumer,
      this.options.claimIdleMs,
      '0-0',
      'COUNT',
      this.options.batchSize,
    )) as [string, RawStreamEntry[], string[]?];
    return (reply[1] ?? []).map(parseEntry);
  }

  /** Blocks (on its own connection) until an entry is added, or a short while passes. */
  private async waitForEntries(): Promise<void> {
    try {
      await this.options.waiter.xread('BLOCK', WAIT_MS, 'STREAMS', this.options.keys.stream, '$');
    } catch {
      if (!this.stopped) await pause(MIN_BACKOFF_MS);
    }
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.options.redis.xgroup(
        'CREATE',
        this.options.keys.stream,
        FLUSH_GROUP,
        '0',
        'MKSTREAM',
      );
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error;
    }
    this.groupReady = true;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2000;
/** How long the idle flusher waits for a new entry before looking for abandoned ones again. */
const WAIT_MS = 500;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
