// convstore/langchain: a chat message history for LangChain JS (@langchain/core).
export { ConvstoreChatMessageHistory } from './history.js';
export type { ConvstoreChatMessageHistoryOptions, RecentMessagesOptions } from './history.js';
export { LANGCHAIN_MESSAGE_FORMAT, fromStoredForm, storedForm } from './message-codec.js';
