import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { isCluster, type RedisConnection } from '../redis/redis-connection.js';
import type { CacheHealth } from './cache-health.js';
import { FLUSH_GROUP, type CacheKeys, type FlushStream } from './cache-keys.js';
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
 * Moves write-behind entries from the Redis streams (one per bucket, see cache-keys.ts) to
 * PostgreSQL, at least once: per stream, read (own pending first, then entries a dead flusher
 * left, then new ones), write the batch in one transaction, and only then acknowledge. Every
 * flusher of every instance joins one consumer group per stream, so each entry is delivered to
 * one of them; a flusher killed between commit and acknowledgement leaves its entries pending,
 * and the next one claims them (XAUTOCLAIM) and writes them again, which changes nothing (the
 * insert is idempotent per messageId). The streams are drained side by side: on a cluster they
 * live on different masters.
 */
export class StreamFlusher {
  readonly consumer = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly groupReady = new Set<string>();
  private readonly streams: FlushStream[];
  private readonly legacy: FlushStream | null;
  private readonly cluster: boolean;
  private wake: (() => void) | undefined;

  constructor(private readonly options: StreamFlusherOptions) {
    this.cluster = isCluster(options.redis);
    this.streams = options.keys.streams();
    // Only a single Redis can hold a stream of the release before the buckets.
    this.legacy = this.cluster ? null : options.keys.legacyStream();
  }

  /** Starts the background loop (the in-process flusher). */
  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Writes everything this flusher can take now, of every stream or (with `userId`) of that
   * user's bucket only; resolves with how many entries it wrote.
   */
  async flushNow(userId?: string): Promise<number> {
    if (userId === undefined) return this.exclusive(() => this.drain(this.streams));
    const stream = this.options.keys.streamOf(userId);
    if (await this.settled(stream)) return 0;
    return this.exclusive(() => this.drain([stream]));
  }

  /**
   * Whether a user's stream holds nothing for any flusher: every entry delivered (lag 0) and none
   * pending. One round trip, where draining an empty stream takes three (own pending, claim,
   * new); a list of sessions, a search or a read of a session with queued entries asks this
   * before reading PostgreSQL (write-behind list_sessions 0.59 ms against 0.26 ms on postgres,
   * bench --quick). Lag is null when Redis cannot tell (entries deleted before delivery): then
   * the stream is drained.
   */
  private async settled(stream: FlushStream): Promise<boolean> {
    if (this.legacy && this.groupReady.has(this.legacy.key)) return false;
    const pipeline = this.options.redis.pipeline().xinfo('GROUPS', stream.key);
    if (this.legacy) pipeline.exists(this.legacy.key);
    const [groups, legacy] = (await pipeline.exec()) ?? [];
    if (legacy && (legacy[0] || legacy[1] !== 0)) return false;
    if (!groups) return false;
    const [error, reply] = groups;
    if (error) return error.message.includes('no such key');
    const group = (reply as unknown[][]).map(fieldsOf).find((g) => g.name === FLUSH_GROUP);
    return group !== undefined && group.pending === 0 && group.lag === 0;
  }

  /** Stops the loop after its current batch; entries left are taken by the next flusher. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.waiter.disconnect();
    this.wake?.();
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

  /** The streams side by side; a failure of one fails the sweep once all have settled. */
  private async drain(some: readonly FlushStream[]): Promise<number> {
    const streams = [...some];
    if (this.legacy && (await this.legacyQueued(this.legacy))) streams.push(this.legacy);
    const results = await Promise.allSettled(streams.map((stream) => this.drainStream(stream)));
    let total = 0;
    for (const result of results) {
      if (result.status === 'rejected') throw result.reason;
      total += result.value;
    }
    return total;
  }

  private async drainStream(stream: FlushStream): Promise<number> {
    try {
      return await this.drainGroup(stream);
    } catch (error) {
      // A Redis that restarted empty has lost the group with the stream: make it again.
      if (error instanceof Error && error.message.includes('NOGROUP')) {
        this.groupReady.delete(stream.key);
      }
      throw error;
    }
  }

  private async drainGroup(stream: FlushStream): Promise<number> {
    await this.ensureGroup(stream.key);
    let total = 0;
    for (;;) {
      let entries = await this.readGroup(stream.key, '0');
      if (entries.length === 0) entries = await this.claim(stream.key);
      if (entries.length === 0) entries = await this.readGroup(stream.key, '>');
      if (entries.length === 0) return total;
      await this.process(stream, entries);
      total += entries.length;
    }
  }

  private async process(stream: FlushStream, entries: FlushEntry[]): Promise<void> {
    const beforeCommit = this.options.beforeCommit;
    const { stale, discarded } = await this.options.writer.write(
      entries,
      beforeCommit ? () => beforeCommit(entries) : undefined,
    );
    await this.options.afterCommit?.(entries);
    const acked = entries.map((entry) => ({
      id: entry.id,
      keys: stream.sessionKeys(entry.userId, entry.sessionId),
      drop: stale.has(incarnationKey(entry)),
      incarnation: entry.data ? String(entry.data.createdAt) : '',
    }));
    const ack = flushAck(stream.key, FLUSH_GROUP, this.options.cacheTtlMs, acked);
    await runScriptCall(this.options.redis, ack);
    this.options.health.stats.flushed += entries.length;
    this.options.health.stats.discarded += discarded;
  }

  /** id '0': this consumer's own pending entries (a failed batch); '>': new entries. */
  private async readGroup(stream: string, id: '0' | '>'): Promise<FlushEntry[]> {
    const reply = (await this.options.redis.xreadgroup(
      'GROUP',
      FLUSH_GROUP,
      this.consumer,
      'COUNT',
      this.options.batchSize,
      'STREAMS',
      stream,
      id,
    )) as Array<[string, RawStreamEntry[]]> | null;
    return (reply?.[0]?.[1] ?? []).map(parseEntry);
  }

  /** Entries another consumer has held longer than claimIdleMs (it is presumed dead). */
  private async claim(stream: string): Promise<FlushEntry[]> {
    const reply = (await this.options.redis.xautoclaim(
      stream,
      FLUSH_GROUP,
      this.consumer,
      this.options.claimIdleMs,
      '0-0',
      'COUNT',
      this.options.batchSize,
    )) as [string, RawStreamEntry[], string[]?];
    return (reply[1] ?? []).map(parseEntry);
  }

  /**
   * Waits until an entry is added, or a short while passes. A single Redis blocks on every
   * stream at once (on a connection of its own); a cluster cannot (the streams live on
   * different slots), so the idle flusher looks again every CLUSTER_POLL_MS.
   */
  private async waitForEntries(): Promise<void> {
    if (this.cluster) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLUSTER_POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      return;
    }
    const keys = [...this.streams, ...(this.legacy ? [this.legacy] : [])].map((s) => s.key);
    try {
      await this.options.waiter.xread('BLOCK', WAIT_MS, 'STREAMS', ...keys, ...keys.map(() => '$'));
    } catch {
      if (!this.stopped) await pause(MIN_BACKOFF_MS);
    }
  }

  private async ensureGroup(stream: string): Promise<void> {
    if (this.groupReady.has(stream)) return;
    try {
      await this.options.redis.xgroup('CREATE', stream, FLUSH_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error;
    }
    this.groupReady.add(stream);
  }

  /** Whether the stream of the release before the buckets holds anything (never created here). */
  private async legacyQueued(stream: FlushStream): Promise<boolean> {
    if (this.groupReady.has(stream.key)) return true;
    return (await this.options.redis.exists(stream.key)) === 1;
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
/** How often an idle flusher on a cluster looks at every stream again. */
const CLUSTER_POLL_MS = 200;

/** An XINFO GROUPS entry (a flat list of names and values) as an object. */
function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = flat[i + 1];
  return fields;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
