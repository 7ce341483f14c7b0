import { createHash } from 'node:crypto';
import type { ChangeFeed } from '../../contract/capabilities.js';

/** Starts listening; `onKey` gets each signalled key; resolves to the function that stops. */
export type Subscribe = (onKey: (key: string) => void) => Promise<() => Promise<void>>;

/**
 * A session's signal key: an opaque hash of where it lives (the schema or key prefix) and its
 * ids, so that a notification payload carries no id at all (anyone on the database may LISTEN).
 * The SQL side computes the same in sql/functions/10_signal_change.sql: ids are ASCII without
 * '/', so the joined text is unambiguous and hashes alike in both.
 */
export function sessionSignalKey(namespace: string, userId: string, sessionId: string): string {
  return createHash('sha256').update(`${namespace}/${userId}/${sessionId}`).digest('hex');
}

/**
 * One subscription per store, fanned out to the followers of each session. It is opened on the
 * first watch and kept until the store closes (followers come and go every few seconds).
 */
export class SessionChangeFeed implements ChangeFeed {
  private readonly watchers = new Map<string, Set<() => void>>();
  private subscription: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly namespace: string,
    private readonly subscribe: Subscribe,
  ) {}

  async watch(
    session: { userId: string; sessionId: string },
    onChange: () => void,
  ): Promise<() => void> {
    const key = sessionSignalKey(this.namespace, session.userId, session.sessionId);
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, (set = new Set()));
    const own = set;
    own.add(onChange);
    try {
      await this.listening();
    } catch (error) {
      this.remove(key, own, onChange);
      throw error;
    }
    return () => this.remove(key, own, onChange);
  }

  async close(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    this.watchers.clear();
    if (subscription) await (await subscription.catch(() => async () => {}))();
  }

  private listening(): Promise<() => Promise<void>> {
    if (!this.subscription) {
      const started = this.subscribe((key) => {
        for (const onChange of this.watchers.get(key) ?? []) onChange();
      });
      // A failed start is tried again by the next watch.
      started.catch(() => {
        if (this.subscription === started) this.subscription = undefined;
      });
      this.subscription = started;
    }
    return this.subscription;
  }

  private remove(key: string, set: Set<() => void>, onChange: () => void): void {
    set.delete(onChange);
    if (set.size === 0 && this.watchers.get(key) === set) this.watchers.delete(key);
  }
}
