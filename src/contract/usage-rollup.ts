/** What a roll-up of usage did (see the README's usage section, "Freshness and rebuilding"). */
export interface UsageRollupReport {
  /**
   * Every message created before this is rolled up (five minutes before the roll-up, or the
   * start of the first hour when it has less than a minute to add; null: no rollup yet).
   */
  rolledUntil: Date | null;
  /** Hours the watermark moved on by (a fraction when it moved by minutes). */
  hours: number;
  /** Hours rolled up again: dirty after an import, or marked by a rebuild. */
  dirtyHours: number;
  /** Rows written to usage_hourly. */
  rows: number;
  /** Hours a rebuild marked dirty (0 without rebuild). */
  marked: number;
  durationMs: number;
}

export interface UsageRollupInput {
  /** Roll up [from, to) again from the messages as they are now (whole UTC hours). */
  rebuild?: { from: Date; to: Date };
  /** Hours per transaction (default 168): a first roll-up of a long history commits as it goes. */
  hoursPerStep?: number;
}

/** The rollup behind usage reports, on the SQL stores (store.capabilities.usageRollup). */
export interface UsageRollup {
  rollUp(input?: UsageRollupInput): Promise<UsageRollupReport>;
}
