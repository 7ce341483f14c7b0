import type { ConversationStore } from '../../contract/store.js';
import type { NewMessage } from '../../contract/types.js';
import { forEachParallel, range } from '../bench-context.js';
import type { OperationName } from '../names.js';
import { Targets } from '../targets.js';
import {
  clearSession,
  historyPayload,
  readSession,
  readSessionCount,
  type Payload,
  type Workload,
} from '../workload.js';
import type { Operation, Subject } from './subject.js';

/** How a convstore store is opened for the bench and what to drop afterwards. */
export interface ConvstoreSubjectOptions {
  store: string;
  open: () => Promise<ConversationStore>;
  /** Removes what the run created (a schema, a data directory, keys), after close(). */
  drop: () => Promise<void>;
  /** Waits for deferred work (the write-behind flusher) to finish; see Subject.settle. */
  settle?: () => Promise<void>;
}

/**
 * A convstore store (postgres, pglite, redis, hybrid) driven through its public contract only,
 * exactly as an application calls it: what is measured is what a user gets.
 */
export class ConvstoreSubject implements Subject {
  readonly store: string;
  private opened: ConversationStore | undefined;
  private targets: Targets | undefined;

  constructor(private readonly options: ConvstoreSubjectOptions) {
    this.store = options.store;
  }

  async load(workload: Workload): Promise<void> {
    const store = (this.opened = await this.options.open());
    this.targets = new Targets(workload);
    const history = (offset: number): NewMessage[] =>
      range(workload.historySize).map((m) => message(historyPayload(workload, offset, m), `m${m}`));
    const readCount = readSessionCount(workload);
    await forEachParallel(range(readCount), 8, async (k) => {
      await store.append({ ...readSession(workload, k), messages: history(k) });
    });
    await forEachParallel(range(workload.clearSessions), 8, async (k) => {
      await store.append({ ...clearSession(workload, k), messages: history(readCount + k) });
    });
    // Every session read once, as the active sessions of a running app have been: the hybrid's
    // cache is then filled (a first read after a load misses and refills it).
    await forEachParallel(range(readCount), 8, async (k) => {
      await store.history({ ...readSession(workload, k), last: workload.historySize });
    });
  }

  operations(): Partial<Record<OperationName, Operation>> {
    const store = this.opened!;
    const targets = this.targets!;
    const last = targets.workload.historySize;
    return {
      add: async (n) => {
        await store.append({
          ...targets.session('add', n),
          messages: [message(targets.newPayload(n))],
        });
      },
      read_last_50: async (n) => {
        await store.history({ ...targets.session('read', n), last });
      },
      list_sessions: async (n) => {
        await store.listSessions({ userId: targets.user(n) });
      },
      clear_session: async () => {
        await store.deleteSession(targets.takeClearSession());
      },
      chat_turn: async (n) => {
        const session = targets.session('chat', n);
        const [question, answer] = targets.turn(n);
        await store.history({ ...session, last });
        await store.append({ ...session, messages: [message(question)] });
        await store.append({ ...session, messages: [message(answer)] });
      },
    };
  }

  /** The store's cleanup of expired sessions (the growth run times it once per step). */
  async cleanupExpired(): Promise<{ sessions: number; messages: number }> {
    return this.opened!.cleanupExpired();
  }

  async settle(): Promise<void> {
    await this.options.settle?.();
  }

  async close(): Promise<void> {
    await this.opened?.close();
    await this.options.drop();
  }
}

function message(payload: Payload, messageId?: string): NewMessage {
  const metadata = payload.metadataObject;
  return messageId === undefined
    ? { role: payload.role, content: payload.content, metadata }
    : { role: payload.role, content: payload.content, metadata, messageId };
}
