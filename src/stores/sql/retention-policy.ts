import { QUERIES } from './queries.generated.js';
import { quoteSchema, renderSql } from './schema-name.js';
import type { SqlRunner } from './sql-driver.js';
import { toStoreError } from './sql-errors.js';

/** What decides trimming and expiry, as a deployment runs it (see 0006_retention_policy.sql). */
export interface RetentionPolicy {
  ttlSeconds: number | null;
  maxHistory: number | null;
  /** Hybrid: messages of a session kept in Redis; null: the default. */
  cacheWindow: number | null;
}

export interface StoredRetentionPolicy extends RetentionPolicy {
  /** `serve` or `db migrate`. */
  writtenBy: string;
  updatedAt: Date;
}

/** Records the policy the service (or `db migrate`) runs with; the last writer wins. */
export async function writeRetentionPolicy(
  runner: SqlRunner,
  schema: string,
  policy: RetentionPolicy,
  writtenBy: string,
): Promise<void> {
  const text = renderSql(QUERIES.putRetentionPolicy, quoteSchema(schema));
  await runner
    .query(text, [policy.ttlSeconds, policy.maxHistory, policy.cacheWindow, writtenBy])
    .catch((error: unknown) => {
      throw toStoreError(error);
    });
}

/** The stored policy, or null when nothing has stored one yet. */
export async function readRetentionPolicy(
  runner: SqlRunner,
  schema: string,
): Promise<StoredRetentionPolicy | null> {
  const text = renderSql(QUERIES.getRetentionPolicy, quoteSchema(schema));
  const rows = await runner
    .query<{
      ttl_seconds: number | null;
      max_history: number | null;
      cache_window: number | null;
      written_by: string;
      updated_at: Date | string;
    }>(text, [])
    .catch((error: unknown) => {
      // 42P01 undefined_table: a schema not migrated this far holds no policy (and the store
      // that opens next refuses it with a schema mismatch, which says what to do).
      if ((error as { code?: unknown }).code === '42P01') return [];
      throw toStoreError(error);
    });
  const row = rows[0];
  if (!row) return null;
  return {
    ttlSeconds: row.ttl_seconds,
    maxHistory: row.max_history,
    cacheWindow: row.cache_window,
    writtenBy: row.written_by,
    updatedAt: new Date(row.updated_at),
  };
}

/** The differences between two policies, for a job to say what it took from the database. */
export function describePolicy(policy: RetentionPolicy): string {
  const show = (value: number | null, none: string) => (value === null ? none : String(value));
  return (
    `TTL ${show(policy.ttlSeconds, 'none')}, max history ${show(policy.maxHistory, 'all')}, ` +
    `cache window ${show(policy.cacheWindow, 'default')}`
  );
}
