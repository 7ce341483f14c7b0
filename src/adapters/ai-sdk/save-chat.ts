import { DEFAULT_LIMITS } from '../../contract/limits.js';
import type { ConversationStore } from '../../contract/store.js';
import type { Message, SessionKey } from '../../contract/types.js';
import { batches } from '../shared/batches.js';
import { readAllHistory } from '../shared/read-history.js';
import {
  describeUIMessage,
  toNewMessage,
  UI_MESSAGE_FORMAT,
  type UIMessageLike,
} from './ui-message.js';

/**
 * The docs' `saveChat`, made idempotent: the list is the chat as the client now has it. From the
 * first message of the list that is stored, the stored chat is made to follow the list: the same
 * ids in the same order keep their seq (and are updated only when their bytes changed), the first
 * id that differs cuts the stored chat there (an edit drops what followed, a regenerate drops the
 * old reply), and the rest is appended under its own ids. Messages before that point (an older
 * part of the chat a windowed load left out) are kept. Saving the same list twice changes nothing.
 */
export async function saveChat(
  store: ConversationStore,
  key: SessionKey,
  messages: readonly UIMessageLike[],
  /** The stored chat when the caller has just read it (saves reading it again). */
  alreadyRead?: Message[],
): Promise<void> {
  const stored = alreadyRead ?? (await readAllHistory(store, key));
  const position = new Map(stored.map((message, index) => [message.messageId, index]));
  const anchor = messages.findIndex((message) => position.has(message.id));
  let next = 0; // index in `messages` of the first one still to write
  if (anchor >= 0) {
    let at = position.get(messages[anchor]!.id)!;
    next = anchor;
    while (next < messages.length && stored[at]?.messageId === messages[next]!.id) {
      await updateIfChanged(store, key, stored[at]!, messages[next]!);
      next += 1;
      at += 1;
    }
    if (at < stored.length) {
      await store.truncate({ ...key, afterSeq: stored[at - 1]!.seq });
    }
  }
  const rest = messages.slice(anchor >= 0 ? next : 0);
  for (const batch of batches(rest, DEFAULT_LIMITS.maxMessagesPerAppend)) {
    await store.append({ ...key, messages: batch.map((message) => toNewMessage(message)) });
  }
}

/** Rewrites a stored message whose bytes differ from the given one (an edit, a tool approval). */
async function updateIfChanged(
  store: ConversationStore,
  key: SessionKey,
  stored: Message,
  message: UIMessageLike,
): Promise<void> {
  const data = JSON.stringify(message);
  if (stored.data === data && stored.format === UI_MESSAGE_FORMAT) return;
  const fields = describeUIMessage(message);
  await store.updateMessage({
    ...key,
    messageId: message.id,
    expectedVersion: stored.version,
    data,
    format: UI_MESSAGE_FORMAT,
    content: fields.content,
    kind: fields.kind,
    toolCallIds: fields.toolCallIds,
    toolResultIds: fields.toolResultIds,
    ...(fields.usage ? { usage: fields.usage } : {}),
  });
}
