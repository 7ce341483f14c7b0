import { UnavailableError } from '../../contract/errors.js';
import type { DeletedCounts } from '../../contract/types.js';
import { quoteSchema, renderSql } from '../sql/schema-name.js';
import type { SqlDriver } from '../sql/sql-driver.js';
import { DOWN, type SessionCache } from './session-cache.js';
import { FLUSH_QUERIES } from './queries.generated.js';

interface Candidate {
  user_id: string;
  session_id: string;
  expires_at: string;
  created_ms: string;
}

/**
 * Cleanup for write-behind. PostgreSQL's expires_at moves only when the flusher runs, so a row
 * that looks expired there may be a session Redis still holds live, with its newest messages
 * queued (in this process's flusher, another instance's, or a `convstore flush` process).
 * Deleting it would lose its flushed history, and the entries would then be discarded as an
 * incarnation that is gone. So each expired candidate is checked against Redis first and kept
 * while its cached session has queued entries (field p) or a later expiry (field e). Without
 * Redis nothing can be checked: the cleanup refuses rather than guess.
 */
export class WriteBehindCleanup {
  private readonly candidates: string;
  private readonly remove: string;

  constructor(
    private readonly driver: SqlDriver,
    schema: string,
    private readonly cache: SessionCache,
  ) {
    const quoted = quoteSchema(schema);
    this.candidates = renderSql(FLUSH_QUERIES.cleanupCandidates, quoted);
    this.remove = renderSql(FLUSH_QUERIES.cleanupDelete, quoted);
  }

  async run(batchSize: number): Promise<DeletedCounts & { kept: number }> {
    const total = { sessions: 0, messages: 0, kept: 0 };
    let cursor: [string, string, string] = ['-infinity', '', ''];
    for (;;) {
      const batch = await this.driver.query<Candidate>(this.candidates, [batchSize, ...cursor]);
      if (batch.length === 0) return total;
      const last = batch.at(-1)!;
      cursor = [last.expires_at, last.user_id, last.session_id];
      const reclaimable = await this.notLiveInRedis(batch);
      total.kept += batch.length - reclaimable.length;
      if (reclaimable.length > 0) {
        const [gone] = await this.driver.query<DeletedCounts>(this.remove, [
          reclaimable.map((c) => c.user_id),
          reclaimable.map((c) => c.session_id),
          reclaimable.map((c) => c.created_ms),
        ]);
        total.sessions += Number(gone?.sessions ?? 0);
        total.messages += Number(gone?.messages ?? 0);
      }
      if (batch.length < batchSize) return total;
    }
  }

  /** One pipeline: Redis's clock and each candidate's queued-entry count and expiry. */
  private async notLiveInRedis(batch: Candidate[]): Promise<Candidate[]> {
    const replies = await this.cache.attempt(async () => {
      const pipeline = this.cache.redis.pipeline();
      pipeline.time();
      for (const c of batch) pipeline.hmget(this.cache.keys(c.user_id, c.session_id)[0], 'p', 'e');
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      return results.map(([, value]) => value);
    });
    if (replies === DOWN) {
      throw new UnavailableError(
        'write-behind cleanup needs Redis to tell live sessions from expired ones; retry later',
      );
    }
    const [seconds, micros] = replies[0] as [string, string];
    const now = Number(seconds) * 1_000_000 + Number(micros);
    return batch.filter((_, i) => {
      const [pending, expires] = replies[i + 1] as [string | null, string | null];
      if (Number(pending ?? 0) > 0) return false;
      return !expires || Number(expires) <= now;
    });
  }
}
