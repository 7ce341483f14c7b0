import { UnsupportedError } from '../contract/errors.js';
import type { ConversationStore } from '../contract/store.js';
import type { UsageRollupReport } from '../contract/usage-rollup.js';
import { repeat, type StopRepeat } from './repeat.js';

/**
 * Five minutes: a report then reads at most ten minutes of messages live (the roll-up stops five
 * minutes before now), which kept an everyone-report over 10 million messages in tens of
 * milliseconds (docs/BENCHMARKS.md), while an idle deployment rebuilds one hour's rows a tick.
 */
export const DEFAULT_USAGE_ROLLUP_INTERVAL_MS = 5 * 60 * 1000;
export const DEFAULT_USAGE_ROLLUP_JITTER = 0.1;

export interface ScheduleUsageRollupOptions {
  /** Time between roll-ups; default five minutes. */
  intervalMs?: number;
  /** Up to this fraction of the interval is added at random to every wait (default 0.1). */
  jitter?: number;
  /** Called after each roll-up. */
  onRollup?: (report: UsageRollupReport) => void;
  /** A failed roll-up; the schedule keeps going and tries again next time. */
  onError?: (error: unknown) => void;
  /** Source of randomness for the jitter (tests pass a fixed one). */
  random?: () => number;
}

/**
 * Rolls usage up on a schedule inside a long-lived process (the service), so reports read the
 * rollup for all but the last few minutes. Runs never overlap; several instances queue on the
 * roll-up's lock and the later ones find the work done. A store without a usage rollup (redis)
 * gets UnsupportedError at once.
 */
export function scheduleUsageRollup(
  store: ConversationStore,
  options: ScheduleUsageRollupOptions = {},
): StopRepeat {
  const rollup = store.capabilities.usageRollup;
  if (!rollup) {
    throw new UnsupportedError(`the ${store.kind} store keeps no usage history to roll up`);
  }
  const tick = async () => {
    try {
      options.onRollup?.(await rollup.rollUp());
    } catch (error) {
      options.onError?.(error);
    }
  };
  return repeat(tick, {
    intervalMs: options.intervalMs ?? DEFAULT_USAGE_ROLLUP_INTERVAL_MS,
    jitter: options.jitter ?? DEFAULT_USAGE_ROLLUP_JITTER,
    random: options.random,
  });
}
