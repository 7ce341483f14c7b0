import { NotFoundError, UnsupportedError } from '../../contract/errors.js';
import type { PortableStore } from '../../contract/portability.js';
import type { ConversationStore } from '../../contract/store.js';
import type { Message, Session } from '../../contract/types.js';
import { SessionDigest } from './session-digest.js';

/** Messages read (and written) per call: bounded memory whatever a session's length. */
export const MESSAGE_PAGE = 500;

/** The store's export and import, or UnsupportedError naming what cannot be done. */
export function portable(store: ConversationStore, what: string): PortableStore {
  if (!store.capabilities.portability) {
    throw new UnsupportedError(`the ${store.kind} store cannot ${what}`);
  }
  return store.capabilities.portability;
}

/**
 * A session's messages after `afterSeq`, a page at a time, through the contract's history.
 * Ends early (without error) when the session disappears meanwhile: deleted or expired.
 */
export async function* messagePages(
  store: ConversationStore,
  session: Pick<Session, 'userId' | 'sessionId'>,
  afterSeq = 0,
): AsyncIterable<Message[]> {
  const key = { userId: session.userId, sessionId: session.sessionId };
  let after = afterSeq;
  for (;;) {
    let page: Message[];
    try {
      page = await store.history({ ...key, afterSeq: after, limit: MESSAGE_PAGE });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
    if (page.length > 0) yield page;
    if (page.length < MESSAGE_PAGE) return;
    after = page.at(-1)!.seq;
  }
}

/** The digest of a session as a store holds it now; null when it does not hold it. */
export async function digestStored(
  store: ConversationStore,
  of: Pick<Session, 'userId' | 'sessionId'>,
): Promise<string | null> {
  const key = { userId: of.userId, sessionId: of.sessionId };
  const session = await store.getSession(key);
  if (!session) return null;
  const digest = new SessionDigest(session);
  for await (const page of messagePages(store, key)) digest.add(page);
  return digest.digest();
}
