import type { ConversationStore } from '../contract/store.js';
import type { DeletedCounts } from '../contract/types.js';

export interface CleanupOptions {
  /** Sessions deleted per transaction (default 500): small batches keep row locks short. */
  batchSize?: number;
}

export interface CleanupReport extends DeletedCounts {
  startedAt: Date;
  durationMs: number;
}

/**
 * Reclaims the space of expired sessions, the job the CLI (`convstore cleanup`, from cron) and
 * the service's schedule both run. The store does the work in short batches under an advisory
 * lock; a second runner gets BusyError at once and changes nothing, which callers report as
 * "another cleanup is running" rather than a failure of the data.
 */
export async function runCleanup(
  store: ConversationStore,
  options: CleanupOptions = {},
): Promise<CleanupReport> {
  const startedAt = new Date();
  const started = performance.now();
  const deleted = await store.cleanupExpired(
    options.batchSize === undefined ? {} : { batchSize: options.batchSize },
  );
  return {
    sessions: deleted.sessions,
    messages: deleted.messages,
    startedAt,
    durationMs: Math.round(performance.now() - started),
  };
}
