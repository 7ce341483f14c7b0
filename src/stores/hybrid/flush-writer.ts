import { renderSql, quoteSchema } from '../sql/schema-name.js';
import type { SqlDriver } from '../sql/sql-driver.js';
import type { FlushEntry } from './flush-entry.js';
import { FLUSH_QUERIES } from './queries.generated.js';

type FlushQueries = { [K in keyof typeof FLUSH_QUERIES]: string };

/**
 * Writes a batch of stream entries to PostgreSQL in one transaction, idempotently (see
 * flush-insert.sql): a batch written twice (a flusher died after the commit, before the
 * acknowledgement) changes nothing the second time. Entries of one session and incarnation are
 * merged, in stream order, into one write.
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

  /** Returns the `userId\0sessionId` of sessions whose messages had to be renumbered. */
  async write(
    entries: readonly FlushEntry[],
    beforeCommit?: () => Promise<void> | void,
  ): Promise<Set<string>> {
    const groups = new Map<string, MergedWrite>();
    for (const entry of entries) {
      if (!entry.data) continue;
      const key = `${entry.userId}\u0000${entry.sessionId}\u0000${entry.data.createdAt}`;
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
    if (groups.size === 0) return new Set();
    return this.driver.transaction(async (tx) => {
      const renumbered = new Set<string>();
      for (const { entry, data } of groups.values()) {
        const { userId, sessionId } = entry;
        await tx.query(this.sql.flushClaim, [userId, sessionId, data.agentId, data.createdAt]);
        await tx.query(this.sql.flushReset, [userId, sessionId, data.createdAt]);
        const [row] = await tx.query<{ moved: number }>(this.sql.flushInsert, [
          userId,
          sessionId,
          JSON.stringify(data.messages),
          data.agentId,
          data.updatedAt,
          data.expiresAt,
        ]);
        if (this.maxHistory !== null) {
          await tx.query(this.sql.flushTrim, [userId, sessionId, this.maxHistory]);
        }
        if (Number(row?.moved ?? 0) > 0) renumbered.add(`${userId}\u0000${sessionId}`);
      }
      await beforeCommit?.();
      return renumbered;
    });
  }
}

interface MergedWrite {
  entry: FlushEntry;
  data: NonNullable<FlushEntry['data']>;
}
