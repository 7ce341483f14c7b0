import { renderSql, quoteSchema } from '../sql/schema-name.js';
import type { SqlDriver } from '../sql/sql-driver.js';
import type { FlushEntry } from './flush-entry.js';
import { FLUSH_QUERIES } from './queries.generated.js';

type FlushQueries = { [K in keyof typeof FLUSH_QUERIES]: string };

/**
 * Writes a batch of stream entries to PostgreSQL in one transaction, idempotently (see
 * flush-insert.sql): a batch written twice (a flusher died after the commit, before the
 * acknowledgement) changes nothing the second time. Entries of one session and incarnation are
 * merged, in stream order, into one write; entries of an incarnation PostgreSQL no longer has
 * are discarded (flush-claim.sql).
 */
export class FlushWriter {
  private readonly sql: FlushQueries;

  constructor(
    private readonly driver: SqlDriver,
    schema: string,
    private readonly maxHistory: number | null,
  ) {
    const quoted = quoteSchema(schema);
    this.sql = Object.fromEntries(
      Object.entries(FLUSH_QUERIES).map(([name, text]) => [name, renderSql(text, quoted)]),
    ) as FlushQueries;
  }

  /**
   * Returns the `userId\0sessionId\0createdAt` of session incarnations whose cached window no
   * longer matches PostgreSQL: messages renumbered or skipped (flush-insert.sql), or entries
   * discarded because their incarnation is gone from PostgreSQL (flush-claim.sql), and how many
   * entries were discarded.
   */
  async write(
    entries: readonly FlushEntry[],
    beforeCommit?: () => Promise<void> | void,
  ): Promise<FlushOutcome> {
    const groups = new Map<string, MergedWrite>();
    for (const entry of entries) {
      if (!entry.data) continue;
      const key = incarnationKey(entry);
      const group = groups.get(key);
      if (!group) {
        groups.set(key, { entry, data: { ...entry.data, messages: [...entry.data.messages] } });
      } else {
        group.data.messages.push(...entry.data.messages);
        group.data.agentId = entry.data.agentId ?? group.data.agentId;
        group.data.updatedAt = Math.max(group.data.updatedAt, entry.data.updatedAt);
        group.data.expiresAt = entry.data.expiresAt;
      }
    }
    if (groups.size === 0) return { stale: new Set(), discarded: 0 };
    return this.driver.transaction(async (tx) => {
      const stale = new Set<string>();
      let discarded = 0;
      for (const [key, { entry, data }] of groups) {
        const { userId, sessionId } = entry;
        const [claimed] = await tx.query<{ last_seq: string | number }>(this.sql.flushClaim, [
          userId,
          sessionId,
          data.agentId,
          data.createdAt,
        ]);
        if (!claimed) {
          // That incarnation was deleted, erased or restarted: never bring it back.
          stale.add(key);
          discarded += entries.filter((e) => e.data && incarnationKey(e) === key).length;
          continue;
        }
        const [row] = await tx.query<InsertOutcome>(this.sql.flushInsert, [
          userId,
          sessionId,
          JSON.stringify(data.messages),
          data.agentId,
          data.updatedAt,
          data.expiresAt,
        ]);
        if (this.maxHistory !== null) {
          await tx.query(this.sql.flushTrim, [
            userId,
            sessionId,
            this.maxHistory,
            claimed.last_seq,
            row?.first_inserted ?? null,
          ]);
        }
        if (Number(row?.moved ?? 0) > 0 || Number(row?.skipped ?? 0) > 0) stale.add(key);
      }
      await beforeCommit?.();
      return { stale, discarded };
    });
  }
}

/** Identifies one incarnation of a session (its entries carry the row's created_at). */
export function incarnationKey(entry: FlushEntry): string {
  return `${entry.userId}\u0000${entry.sessionId}\u0000${entry.data?.createdAt ?? ''}`;
}

export interface FlushOutcome {
  /** Incarnations whose cached window no longer matches PostgreSQL (drop it once flushed). */
  stale: Set<string>;
  /** Entries not written: their incarnation is gone from PostgreSQL. */
  discarded: number;
}

interface InsertOutcome {
  moved: number;
  skipped: number;
  first_inserted: string | number | null;
}

interface MergedWrite {
  entry: FlushEntry;
  data: NonNullable<FlushEntry['data']>;
}
