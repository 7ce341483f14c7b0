import { NotFoundError } from '../../contract/errors.js';
import type { ConversationStore } from '../../contract/store.js';
import type { Message } from '../../contract/types.js';

/** How far back a followed message is looked for. */
const FIND_WINDOW = 200;
/** Re-read interval without a change feed (the HTTP client store has none). */
const POLL_MS = 100;
/**
 * Re-read interval with a change feed: a safety net for a signal lost while its connection was
 * re-established, and for a lease that runs out (which reads as aborted but signals nothing).
 */
const SAFETY_MS = 1_000;

/** A message of a session by id, from its newest messages (where drafts are). */
export async function findMessage(
  store: ConversationStore,
  userId: string,
  sessionId: string,
  messageId: string,
): Promise<Message> {
  const recent = await store.history({ userId, sessionId, last: FIND_WINDOW });
  const found = recent.find((message) => message.messageId === messageId);
  if (!found) throw new NotFoundError('message not found');
  return found;
}

/**
 * Sends the message whenever its version moves past `seen`, re-reading it by seq (one indexed
 * read) each time the store signals a change to the session's drafts, until it is final, gone,
 * or the client left.
 */
export async function followMessage(
  store: ConversationStore,
  at: { userId: string; sessionId: string; seq: number },
  first: Message,
  seen: number,
  out: { send(message: Message): void; alive(): boolean },
): Promise<void> {
  const wakeup = new Wakeup();
  const feed = store.capabilities.changes;
  // Without a feed (or when it cannot listen now) the follower polls.
  const stop = feed
    ? await feed
        .watch({ userId: at.userId, sessionId: at.sessionId }, () => wakeup.fire())
        .catch(() => undefined)
    : undefined;
  try {
    // A change between the first read and the watch: read once more straight away.
    if (stop) wakeup.fire();
    let current: Message | undefined = first;
    let sent = seen;
    while (current && out.alive()) {
      if (current.version > sent) {
        out.send(current);
        sent = current.version;
      }
      if (current.status !== 'streaming') return;
      await wakeup.wait(stop ? SAFETY_MS : POLL_MS);
      const [next] = await store
        .history({ userId: at.userId, sessionId: at.sessionId, afterSeq: at.seq - 1, limit: 1 })
        .catch(() => []);
      current = next?.seq === at.seq ? next : undefined;
    }
  } finally {
    stop?.();
  }
}

/**
 * A signal that is not lost between two waits: fired while nobody waits, the next wait returns
 * at once.
 */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  fire(): void {
    if (this.resolve) {
      this.resolve();
      this.resolve = undefined;
    } else {
      this.pending = true;
    }
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.resolve = undefined;
        resolve();
      }, ms);
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
