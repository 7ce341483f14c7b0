import type { BaseListChatMessageHistory } from '@langchain/core/chat_history';
import type { OperationName } from '../names.js';
import type { Targets } from '../targets.js';
import type { SessionRef } from '../workload.js';
import type { LangchainMessages } from './langchain-loader.js';
import type { Operation } from './subject.js';

/**
 * The workload through LangChain's chat-history interface, the same for its PostgreSQL and Redis
 * classes: what differs between them is only how a session's history object is made.
 */
export function langchainOperations(
  history: (ref: SessionRef) => BaseListChatMessageHistory,
  targets: Targets,
  messages: LangchainMessages,
): Partial<Record<OperationName, Operation>> {
  return {
    add: (n) =>
      history(targets.session('add', n)).addMessage(messages.toMessage(targets.newPayload(n))),
    read_last_50: async (n) => {
      await history(targets.session('read', n)).getMessages();
    },
    clear_session: () => history(targets.takeClearSession()).clear(),
    chat_turn: async (n) => {
      const session = history(targets.session('chat', n));
      const [question, answer] = targets.turn(n);
      await session.getMessages();
      await session.addMessage(messages.toMessage(question));
      await session.addMessage(messages.toMessage(answer));
    },
  };
}
