import { pick, streamSeed } from './seeded-random.js';
import {
  clearSession,
  payload,
  readSession,
  readSessionCount,
  type Payload,
  type SessionRef,
  type Workload,
} from './workload.js';

/** Payloads of new messages are generated once, so the timed loop only looks them up. */
const NEW_PAYLOADS = 512;

/**
 * Which session the n-th op of each operation targets, and with what payload: derived from the
 * seed alone, so every subject is driven through exactly the same sequence.
 */
export class Targets {
  private readonly payloads: Payload[];
  private readonly seeds: Record<'add' | 'read' | 'list' | 'chat', number>;
  private nextClear = 0;

  constructor(readonly workload: Workload) {
    this.payloads = Array.from({ length: NEW_PAYLOADS }, (_, n) =>
      payload(streamSeed(workload.seed, 'new'), n),
    );
    this.seeds = {
      add: streamSeed(workload.seed, 'add'),
      read: streamSeed(workload.seed, 'read'),
      list: streamSeed(workload.seed, 'list'),
      chat: streamSeed(workload.seed, 'chat'),
    };
  }

  /** A read/write session for the n-th op of `operation`. */
  session(operation: 'add' | 'read' | 'chat', n: number): SessionRef {
    return readSession(this.workload, this.sessionIndex(operation, n));
  }

  /** The same choice as a number (what the floors key their rows by). */
  sessionIndex(operation: 'add' | 'read' | 'chat', n: number): number {
    return pick(this.seeds[operation], n, readSessionCount(this.workload));
  }

  /** A user whose sessions the n-th list_sessions op lists. */
  user(n: number): string {
    return `u${pick(this.seeds.list, n, this.workload.users)}`;
  }

  /** The payload of the n-th new message (user and assistant alternate). */
  newPayload(n: number): Payload {
    return this.payloads[n % NEW_PAYLOADS]!;
  }

  /** A user and an assistant message for the n-th chat turn. */
  turn(n: number): [Payload, Payload] {
    const user = this.payloads[(2 * n) % NEW_PAYLOADS]!;
    const assistant = this.payloads[(2 * n + 1) % NEW_PAYLOADS]!;
    return [user, assistant];
  }

  /** The next prepared session to clear; each is cleared once. */
  takeClearSession(): SessionRef {
    const k = this.nextClear++;
    if (k >= this.workload.clearSessions) {
      throw new Error(`clear_session ran out of prepared sessions (${k}): raise clearSessions`);
    }
    return clearSession(this.workload, k);
  }
}
