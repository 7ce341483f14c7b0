import type { OperationName } from '../names.js';
import type { Workload } from '../workload.js';

/**
 * One operation as the bench calls it: `n` is the op's index in its measurement (warm-up
 * included), from which the operation derives its target deterministically.
 */
export type Operation = (n: number) => Promise<void>;

/**
 * Something measured: a store, a reference implementation or a floor. It loads the workload
 * (not timed), exposes the operations it supports, and drops everything it created on close.
 */
export interface Subject {
  readonly store: string;
  load(workload: Workload): Promise<void>;
  operations(): Partial<Record<OperationName, Operation>>;
  /**
   * Waits (untimed) until work the subject deferred is done, e.g. a write-behind flusher's
   * backlog, so that it does not run during another subject's measurement.
   */
  settle?(): Promise<void>;
  close(): Promise<void>;
}
