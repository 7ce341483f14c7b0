import { UnsupportedError } from '../contract/errors.js';
import type { ConversationStore } from '../contract/store.js';
import type { UsageRollupInput, UsageRollupReport } from '../contract/usage-rollup.js';

/**
 * Rolls usage up to five minutes ago for reports (`convstore db rollup`, and the service every
 * USAGE_ROLLUP_INTERVAL seconds): incremental from the watermark, dirty hours again,
 * and with `rebuild` a range from the messages as they are now. Idempotent, and safe to run from
 * several instances at once. The redis store keeps no history: UnsupportedError.
 */
export async function runUsageRollup(
  store: ConversationStore,
  input: UsageRollupInput = {},
): Promise<UsageRollupReport> {
  const rollup = store.capabilities.usageRollup;
  if (!rollup) {
    throw new UnsupportedError(
      `the ${store.kind} store keeps no usage history to roll up (PostgreSQL and PGlite do)`,
    );
  }
  return rollup.rollUp(input);
}
