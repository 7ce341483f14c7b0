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
    const live = await this.cache.liveness(
      batch.map((c) => ({ userId: c.user_id, sessionId: c.session_id })),
    );
    if (live === DOWN) {
      throw new UnavailableError(
        'write-behind cleanup needs Redis to tell live sessions from expired ones; retry later',
      );
    }
    return batch.filter((_, i) => {
      const { pending, expiresAtUs } = live.sessions[i]!;
      if (pending > 0) return false;
      return expiresAtUs === null || expiresAtUs <= live.nowUs;
    });
  }
}
