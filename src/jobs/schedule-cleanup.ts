import { BusyError } from '../contract/errors.js';
import type { ConversationStore } from '../contract/store.js';
import type { UsageRollupReport } from '../contract/usage-rollup.js';
import { runCleanup, type CleanupOptions, type CleanupReport } from './cleanup.js';
import { repeat, type StopRepeat } from './repeat.js';

export const DEFAULT_CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
export const DEFAULT_CLEANUP_JITTER = 0.1;

export interface ScheduleCleanupOptions extends CleanupOptions {
  /** Time between runs; default hourly. */
  intervalMs?: number;
  /**
   * Up to this fraction of the interval is added at random to every wait (default 0.1), so many
   * service instances started together do not all knock on the lock at the same second.
   */
  jitter?: number;
  /** Called after each run that deleted (or had nothing to delete). */
  onResult?: (report: CleanupReport) => void;
  /**
   * After each cleanup, roll usage up (stores with a usage rollup; default true), so reports read
   * the rollup instead of the messages since. The service passes false: it rolls up on a
   * schedule of its own (scheduleUsageRollup), every few minutes.
   */
  rollUpUsage?: boolean;
  /** Called after each usage roll-up. */
  onRollup?: (report: UsageRollupReport) => void;
  /** Another runner held the lock: normal when several instances share a database. */
  onBusy?: (error: BusyError) => void;
  /** Any other failure; the schedule keeps going and tries again next time. */
  onError?: (error: unknown) => void;
  /** Source of randomness for the jitter (tests pass a fixed one). */
  random?: () => number;
}

/** Stops the schedule; resolves once a run in progress has finished. */
export type StopCleanup = StopRepeat;

/**
 * Runs cleanup (then the usage roll-up) on a schedule inside a long-lived process. The timer
 * does not keep the process alive, runs never overlap, and a failed run is reported and retried
 * at the next tick instead of stopping the schedule.
 */
export function scheduleCleanup(
  store: ConversationStore,
  options: ScheduleCleanupOptions = {},
): StopCleanup {
  const tick = async () => {
    const rollup = options.rollUpUsage === false ? undefined : store.capabilities.usageRollup;
    try {
      options.onResult?.(await runCleanup(store, options));
    } catch (error) {
      if (error instanceof BusyError) options.onBusy?.(error);
      else options.onError?.(error);
    }
    // Its own try: a busy cleanup (another instance's) must not hold the roll-up back.
    if (rollup) {
      try {
        options.onRollup?.(await rollup.rollUp());
      } catch (error) {
        options.onError?.(error);
      }
    }
  };
  return repeat(tick, {
    intervalMs: options.intervalMs ?? DEFAULT_CLEANUP_INTERVAL_MS,
    jitter: options.jitter ?? DEFAULT_CLEANUP_JITTER,
    random: options.random,
  });
}
