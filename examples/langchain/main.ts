// A LangChain chain with its chat history in convstore, on an embedded PGlite store:
// `npx tsx examples/langchain/main.ts`. It uses LangChain's FakeListChatModel so that it needs
// no API key; put any chat model (e.g. `new ChatOpenAI({ model: 'gpt-5-mini' })`) in its place.
import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts';
import { RunnableWithMessageHistory } from '@langchain/core/runnables';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { createStore, type ConversationStore } from 'convstore';
import { ConvstoreChatMessageHistory } from 'convstore/langchain';

export async function main(opening: Promise<ConversationStore> = createStore()) {
  const store = await opening;
  try {
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'You are a helpful assistant.'],
      new MessagesPlaceholder('history'),
      ['human', '{question}'],
    ]);
    const model = new FakeListChatModel({ responses: ['Hello Ada!', 'Your name is Ada.'] });
    const chain = new RunnableWithMessageHistory({
      runnable: prompt.pipe(model),
      // One history per conversation, owned by the signed-in user.
      getMessageHistory: (sessionId: string) =>
        new ConvstoreChatMessageHistory({ store, userId: 'alice', sessionId }),
      inputMessagesKey: 'question',
      historyMessagesKey: 'history',
    });
    const config = { configurable: { sessionId: 'intro' } };
    const first = await chain.invoke({ question: 'Hi, I am Ada.' }, config);
    const second = await chain.invoke({ question: 'What is my name?' }, config);
    const history = new ConvstoreChatMessageHistory({ store, userId: 'alice', sessionId: 'intro' });
    return {
      answers: [first.content, second.content],
      history: (await history.getMessages()).map((m) => [m.getType(), m.content]),
    };
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await main(), null, 2));
}
