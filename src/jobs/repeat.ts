/** How often a repeated job runs, and the spread added to every wait. */
export interface RepeatTiming {
  intervalMs: number;
  /**
   * Up to this fraction of the interval is added at random to every wait, so many service
   * instances started together do not all knock on the same lock at the same second.
   */
  jitter: number;
  /** Source of randomness for the jitter (tests pass a fixed one). */
  random?: () => number;
}

/** Stops a repeated job; resolves once a run in progress has finished. */
export type StopRepeat = () => Promise<void>;

/**
 * Runs `tick` every interval (plus jitter) inside a long-lived process. The timer does not keep
 * the process alive and runs never overlap: the next wait starts when a run ends. `tick` reports
 * its own failures; whatever it throws is swallowed so that the schedule goes on.
 */
export function repeat(tick: () => Promise<void>, timing: RepeatTiming): StopRepeat {
  const { intervalMs, jitter } = timing;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError('intervalMs must be a positive number of milliseconds');
  }
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError('jitter must be between 0 and 1');
  const random = timing.random ?? Math.random;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const arm = () => {
    if (stopped) return;
    const delay = intervalMs + Math.floor(random() * jitter * intervalMs);
    timer = setTimeout(() => {
      running = tick()
        .catch(() => undefined)
        .finally(() => {
          running = undefined;
          arm();
        });
    }, delay);
    timer.unref();
  };
  arm();

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
