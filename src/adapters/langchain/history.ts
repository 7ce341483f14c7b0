import { BaseListChatMessageHistory } from '@langchain/core/chat_history';
import {
  ChatMessage,
  mapStoredMessagesToChatMessages,
  type BaseMessage,
  type StoredMessage,
} from '@langchain/core/messages';
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError } from '../../contract/errors.js';
import { DEFAULT_LIMITS } from '../../contract/limits.js';
import type { ConversationStore } from '../../contract/store.js';
import type { HistoryAlign, Message, SessionKey } from '../../contract/types.js';
import { batches } from '../shared/batches.js';
import { readAllHistory, readHistory } from '../shared/read-history.js';
import { LANGCHAIN_MESSAGE_FORMAT, toNewMessage } from './message-codec.js';

export interface ConvstoreChatMessageHistoryOptions {
  store: ConversationStore;
  userId: string;
  sessionId: string;
  /** Passed to the store when the session is created. */
  agentId?: string;
}

export interface RecentMessagesOptions {
  /** The newest `last` messages. */
  last?: number;
  /** The newest messages whose token counts sum to at most this. */
  tokenBudget?: number;
  /** Default 'tool-pairs': never a ToolMessage without the AI message that called it. */
  align?: HistoryAlign;
  /** Also the session's leading system message(s). */
  pinSystem?: boolean;
}

/**
 * A LangChain chat message history in a convstore store. Each message is stored whole in its
 * LangChain stored form (`{ type, data }`, as RedisChatMessageHistory keeps it, so a history
 * moved with `convstore migrate-redis --format langchain` reads back the same), with its tool
 * calls, tool call id and usage in the store's own fields.
 */
export class ConvstoreChatMessageHistory extends BaseListChatMessageHistory {
  lc_namespace = ['langchain', 'stores', 'message', 'convstore'];

  private readonly store: ConversationStore;
  private readonly key: SessionKey;
  private readonly agentId: string | undefined;

  constructor(options: ConvstoreChatMessageHistoryOptions) {
    super();
    this.store = options.store;
    this.key = { userId: options.userId, sessionId: options.sessionId };
    this.agentId = options.agentId;
  }

  /** The whole history, oldest first (RunnableWithMessageHistory needs all of it). */
  async getMessages(): Promise<BaseMessage[]> {
    return toChatMessages(await readAllHistory(this.store, this.key));
  }

  /** A window of the newest messages, for callers that build their own prompt. */
  async getRecentMessages(options: RecentMessagesOptions): Promise<BaseMessage[]> {
    const messages = await readHistory(this.store, {
      ...this.key,
      ...(options.last !== undefined ? { last: options.last } : {}),
      ...(options.tokenBudget !== undefined ? { tokenBudget: options.tokenBudget } : {}),
      ...(options.pinSystem !== undefined ? { pinSystem: options.pinSystem } : {}),
      align: options.align ?? 'tool-pairs',
    });
    return toChatMessages(messages);
  }

  async addMessage(message: BaseMessage): Promise<void> {
    await this.addMessages([message]);
  }

  /** One append (per maxMessagesPerAppend messages): the messages land together, in order. */
  override async addMessages(messages: BaseMessage[]): Promise<void> {
    for (const batch of batches(messages, DEFAULT_LIMITS.maxMessagesPerAppend)) {
      await this.store.append({
        ...this.key,
        ...(this.agentId !== undefined ? { agentId: this.agentId } : {}),
        messages: batch.map((message) => toNewMessage(message, uuidv7())),
      });
    }
  }

  /** Deletes the messages and keeps the session. */
  override async clear(): Promise<void> {
    try {
      await this.store.clearMessages(this.key);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
}

/**
 * Stored messages as LangChain messages: the stored form rebuilt by LangChain's own
 * mapStoredMessagesToChatMessages; a plain message written by other means becomes a
 * ChatMessage with its role.
 */
function toChatMessages(messages: Message[]): BaseMessage[] {
  return messages.map((message) => {
    if (message.format === LANGCHAIN_MESSAGE_FORMAT && message.data !== null) {
      return mapStoredMessagesToChatMessages([JSON.parse(message.data) as StoredMessage])[0]!;
    }
    return new ChatMessage({ content: message.content, role: message.role });
  });
}
