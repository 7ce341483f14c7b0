import type {
  UsageRollup,
  UsageRollupInput,
  UsageRollupReport,
} from '../../contract/usage-rollup.js';

const DEFAULT_HOURS_PER_STEP = 168;

type Run = <Row extends object>(text: string, params: unknown[]) => Promise<Row[]>;

interface Step {
  rolledUntil: string | null;
  hours: number;
  dirtyHours: number;
  rows: number;
  done: boolean;
}

/**
 * The usage rollup of a SQL store: steps of usage_roll_up() (one transaction each, under the
 * rollup's advisory lock) until the watermark reaches five minutes ago and no hour is dirty.
 * Safe to run from several processes at once: they queue on the lock and redo nothing.
 */
export class SqlUsageRollup implements UsageRollup {
  constructor(
    private readonly sql: { usageRollUp: string; usageMarkDirty: string },
    private readonly run: Run,
  ) {}

  async rollUp(input: UsageRollupInput = {}): Promise<UsageRollupReport> {
    const started = performance.now();
    const hoursPerStep = input.hoursPerStep ?? DEFAULT_HOURS_PER_STEP;
    let marked = 0;
    if (input.rebuild) {
      const [row] = await this.run<{ marked: number | string }>(this.sql.usageMarkDirty, [
        input.rebuild.from.toISOString(),
        input.rebuild.to.toISOString(),
      ]);
      marked = Number(row?.marked ?? 0);
    }
    const report = { rolledUntil: null as Date | null, hours: 0, dirtyHours: 0, rows: 0 };
    for (;;) {
      const [row] = await this.run<{ step: Step | string }>(this.sql.usageRollUp, [hoursPerStep]);
      const step = (typeof row!.step === 'string' ? JSON.parse(row!.step) : row!.step) as Step;
      report.rolledUntil = step.rolledUntil === null ? null : new Date(step.rolledUntil);
      report.hours += Number(step.hours);
      report.dirtyHours += Number(step.dirtyHours);
      report.rows += Number(step.rows);
      if (step.done) break;
    }
    return { ...report, marked, durationMs: Math.round(performance.now() - started) };
  }
}
