// convstore/ai-sdk: persistence for Vercel AI SDK chats (ai 6 and 7). Type-only use of `ai`.
export { createAiSdkPersistence } from './persistence.js';
export type {
  AiSdkPersistence,
  AiSdkPersistenceOptions,
  ChatKey,
  LoadChatInput,
  SaveChatInput,
} from './persistence.js';
export type { StepEndEvent, StreamEndEvent } from './reply-drafts.js';
export { UI_MESSAGE_FORMAT, describeUIMessage } from './ui-message.js';
export type { UIMessageFields, UIMessageLike } from './ui-message.js';
