import type { UIMessage } from 'ai';
import { v7 as uuidv7 } from 'uuid';
import type { ConversationStore } from '../../contract/store.js';
import type { HistoryAlign, MessageStatus, SessionKey } from '../../contract/types.js';
import { readAllHistory, readHistory } from '../shared/read-history.js';
import { ReplyDrafts, type StepEndEvent, type StreamEndEvent } from './reply-drafts.js';
import { saveChat } from './save-chat.js';
import { fromStored } from './from-stored.js';
import type { UIMessageLike } from './ui-message.js';

export interface AiSdkPersistenceOptions {
  store: ConversationStore;
  /**
   * How long a reply's draft stays leased between two steps (a long tool call included). A
   * process that dies mid-stream leaves a draft that reads as 'aborted' once this has passed.
   * Default 5 minutes.
   */
  leaseMs?: number;
}

/** Which chat: the user it belongs to and the AI SDK's chat id (the store's sessionId). */
export interface ChatKey {
  userId: string;
  chatId: string;
}

export interface LoadChatInput extends ChatKey {
  /** Only the newest `last` messages. */
  last?: number;
  /** Only the newest messages whose token counts sum to at most this. */
  tokenBudget?: number;
  /** How a window is cut (default 'tool-pairs': never a tool result without its call). */
  align?: HistoryAlign;
  /** Only messages with these statuses (default all, drafts included, as a UI shows them). */
  statuses?: MessageStatus[];
}

export interface SaveChatInput<M extends UIMessageLike> extends ChatKey {
  messages: readonly M[];
}

export interface AiSdkPersistence<M extends UIMessageLike = UIMessage> {
  loadChat(input: LoadChatInput): Promise<M[]>;
  saveChat(input: SaveChatInput<M>): Promise<void>;
  /** The last message from the client, merged into the stored chat and saved; returns the chat. */
  saveIncoming(input: ChatKey & { message: M }): Promise<M[]>;
  /** `onStepEnd` for toUIMessageStream / createUIMessageStream (v6: `onStepFinish`). */
  onStepEnd(chat: ChatKey): (event: StepEndEvent<M>) => Promise<void>;
  /** `onEnd` for toUIMessageStream / createUIMessageStream (v6: `onFinish`). */
  onEnd(chat: ChatKey): (event: StreamEndEvent<M>) => Promise<void>;
  /** Time-ordered message ids (UUIDv7), for `generateMessageId` / `generateId`. */
  generateMessageId: () => string;
  /** Everything toUIMessageStream needs for this chat, to spread into its options (v7). */
  streamOptions(input: ChatKey & { originalMessages: M[] }): {
    originalMessages: M[];
    generateMessageId: () => string;
    onStepEnd: (event: StepEndEvent<M>) => Promise<void>;
    onEnd: (event: StreamEndEvent<M>) => Promise<void>;
  };
}

/**
 * Persistence for a Vercel AI SDK chat (ai 6 and 7): what the SDK's persistence guide asks every
 * app to write, with each UIMessage stored byte for byte (the JSON text of the object given) and
 * the assistant's reply kept as a draft while it streams, so that a stopped or broken stream
 * leaves what arrived, marked 'aborted'.
 */
export function createAiSdkPersistence<M extends UIMessageLike = UIMessage>(
  options: AiSdkPersistenceOptions,
): AiSdkPersistence<M> {
  const { store } = options;
  const drafts = new ReplyDrafts(store, options.leaseMs ?? 300_000);
  const keyOf = (chat: ChatKey): SessionKey => ({ userId: chat.userId, sessionId: chat.chatId });
  const generateMessageId = () => uuidv7();

  const loadChat = async (input: LoadChatInput): Promise<M[]> => {
    const key = keyOf(input);
    const windowed = input.last !== undefined || input.tokenBudget !== undefined;
    const messages = windowed
      ? await readHistory(store, {
          ...key,
          ...(input.last !== undefined ? { last: input.last } : {}),
          ...(input.tokenBudget !== undefined ? { tokenBudget: input.tokenBudget } : {}),
          align: input.align ?? 'tool-pairs',
          ...(input.statuses ? { statuses: input.statuses } : {}),
        })
      : await readAllHistory(store, key, input.statuses);
    return messages.flatMap((message) => fromStored<M>(message));
  };

  const persistence: AiSdkPersistence<M> = {
    loadChat,
    saveChat: (input) => saveChat(store, keyOf(input), input.messages),
    async saveIncoming(input) {
      const key = keyOf(input);
      const stored = await readAllHistory(store, key);
      const previous = stored.flatMap((message) => fromStored<M>(message));
      const at = previous.findIndex((message) => message.id === input.message.id);
      const messages = [...(at >= 0 ? previous.slice(0, at) : previous), input.message];
      await saveChat(store, key, messages, stored);
      return messages;
    },
    onStepEnd: (chat) => (event) => drafts.step(keyOf(chat), event),
    onEnd: (chat) => (event) => drafts.end(keyOf(chat), event),
    generateMessageId,
    streamOptions: (input) => ({
      originalMessages: input.originalMessages,
      generateMessageId,
      onStepEnd: persistence.onStepEnd(input),
      onEnd: persistence.onEnd(input),
    }),
  };
  return persistence;
}
