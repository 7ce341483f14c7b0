import type { BaseMessage } from '@langchain/core/messages';
import type { Payload } from '../workload.js';

/**
 * LangChain is a development dependency: imported only when its subjects run, with an error that
 * says what to install when it is missing.
 */
export async function importLangchain<T>(specifier: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new Error(
      `${specifier} is not installed (npm install --save-dev @langchain/core @langchain/community pg), ` +
        `so the LangChain reference cannot run`,
      { cause: error },
    );
  }
}

export interface LangchainMessages {
  /** The payload as the message class a LangChain app would store. */
  toMessage(payload: Payload): BaseMessage;
  /** The JSON LangChain's histories store for it ({type, data} or {...data, type}). */
  stored(payload: Payload): { type: string; data: Record<string, unknown> };
}

export async function langchainMessages(): Promise<LangchainMessages> {
  const core = await importLangchain('@langchain/core', () => import('@langchain/core/messages'));
  const toMessage = (payload: Payload): BaseMessage => {
    const fields = { content: payload.content, additional_kwargs: payload.metadataObject };
    return payload.role === 'user' ? new core.HumanMessage(fields) : new core.AIMessage(fields);
  };
  return {
    toMessage,
    stored: (payload) => {
      const [stored] = core.mapChatMessagesToStoredMessages([toMessage(payload)]);
      return stored as unknown as { type: string; data: Record<string, unknown> };
    },
  };
}
