import type { MigrateRedisOptions } from './options.js';
import { scanKeys } from './scan-keys.js';
import type { SourceConnection } from './source-connection.js';
import type { MigrationPhase, ReadOutcome, SourceReader } from './types.js';

/** Scan page size and sessions read per Redis round trip. */
const SCAN_COUNT = 500;
const READ_CHUNK = 100;

/** Walks the source's session keys a chunk at a time, reporting progress; stops on the signal. */
export class PassRunner {
  constructor(
    private readonly redis: SourceConnection,
    private readonly reader: SourceReader,
    private readonly options: MigrateRedisOptions,
  ) {}

  /** How many session keys there are, for the progress bar's total and ETA. */
  async count(): Promise<number> {
    let total = 0;
    this.options.onProgress?.({ phase: 'count', done: 0, total: 0 });
    for await (const page of scanKeys(this.redis, this.reader.match, SCAN_COUNT)) {
      // Stopped while counting: the migrate pass then stops before its first chunk.
      if (this.options.signal?.aborted) break;
      total += page.filter((key) => this.reader.isSessionKey(key)).length;
    }
    return total;
  }

  /** Runs `handle` on every chunk; returns true when the signal stopped it early. */
  async pass(
    phase: MigrationPhase,
    total: number,
    handle: (outcomes: ReadOutcome[]) => Promise<void>,
  ): Promise<boolean> {
    let done = 0;
    this.options.onProgress?.({ phase, done, total });
    for await (const page of scanKeys(this.redis, this.reader.match, SCAN_COUNT)) {
      const keys = page.filter((key) => this.reader.isSessionKey(key));
      for (let start = 0; start < keys.length; start += READ_CHUNK) {
        if (this.options.signal?.aborted) return true;
        const chunk = keys.slice(start, start + READ_CHUNK);
        await handle(await this.reader.read(chunk));
        done += chunk.length;
        this.options.onProgress?.({ phase, done, total: Math.max(total, done) });
      }
    }
    return false;
  }
}
