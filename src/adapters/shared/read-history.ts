import { NotFoundError } from '../../contract/errors.js';
import type { ConversationStore } from '../../contract/store.js';
import type { HistoryInput, Message, MessageStatus, SessionKey } from '../../contract/types.js';

/** Messages per page when reading a whole history (the store's default maximum page). */
const PAGE = 1000;

/**
 * A session's history, or [] when it does not exist yet: every framework treats an unknown
 * conversation as an empty one, and the store creates the session on the first write.
 */
export async function readHistory(
  store: ConversationStore,
  input: HistoryInput,
): Promise<Message[]> {
  try {
    return await store.history(input);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}

/**
 * The whole history, oldest first, page by page (a read without a window returns at most one
 * page). Pages follow seq, so a message appended meanwhile lands at the end, never twice.
 */
export async function readAllHistory(
  store: ConversationStore,
  key: SessionKey,
  statuses?: MessageStatus[],
): Promise<Message[]> {
  const all: Message[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await readHistory(store, {
      ...key,
      afterSeq,
      limit: PAGE,
      ...(statuses ? { statuses } : {}),
    });
    all.push(...page);
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return all;
    afterSeq = last.seq;
  }
}
