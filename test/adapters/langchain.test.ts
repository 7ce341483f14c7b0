import { InMemoryChatMessageHistory } from '@langchain/core/chat_history';
import {
  AIMessage,
  AIMessageChunk,
  ChatMessage,
  FunctionMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import type { ChatPromptValueInterface } from '@langchain/core/prompt_values';
import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts';
import { RunnableLambda, RunnableWithMessageHistory } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { FakeListChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ConversationStore } from '../../src/index.js';
import {
  ConvstoreChatMessageHistory,
  LANGCHAIN_MESSAGE_FORMAT,
  storedForm,
} from '../../src/adapters/langchain/index.js';
import { main } from '../../examples/langchain/main.js';
import { describeStores } from './support/stores.js';

const forms = (messages: BaseMessage[]) =>
  messages.map((message) => ({ class: message.constructor.name, ...storedForm(message) }));

/** The same, with the run ids LangChain gives each model output (they differ per run) masked. */
const runForms = (messages: BaseMessage[]) =>
  forms(messages).map((form) =>
    typeof form.data.id === 'string' && form.data.id.startsWith('run-')
      ? { ...form, data: { ...form.data, id: 'run-*' } }
      : form,
  );

const weather = tool(async ({ city }: { city: string }) => `21 °C in ${city}`, {
  name: 'weather',
  description: 'The weather in a city',
  schema: z.object({ city: z.string() }),
});

/**
 * One tool-calling turn as an agent loop runs it: a fake model asks for the tool, the tool
 * answers, a second fake model gives the final answer with its usage. Returns the new messages,
 * which RunnableWithMessageHistory stores after the input.
 */
function toolTurn(turn: { n: number }) {
  return RunnableLambda.from(async (input: { history?: BaseMessage[]; question: string }) => {
    turn.n += 1;
    const call = { id: `call_${turn.n}`, name: 'weather', args: { city: input.question } };
    const caller = new FakeStreamingChatModel({
      chunks: [new AIMessageChunk({ content: '', tool_calls: [call] })],
    });
    const asked = (await caller.invoke([
      ...(input.history ?? []),
      new HumanMessage(input.question),
    ])) as AIMessage;
    const answer = await weather.invoke({ ...call, type: 'tool_call' });
    const final = await new FakeListChatModel({ responses: [`It is ${answer.content}.`] }).invoke(
      [],
    );
    const reply = new AIMessage({
      content: final.content,
      id: `msg_${turn.n}`,
      usage_metadata: {
        input_tokens: 40,
        output_tokens: 9,
        total_tokens: 49,
        input_token_details: { cache_read: 30 },
        output_token_details: { reasoning: 2 },
      },
      response_metadata: { model_name: 'fake-1', finish_reason: 'stop' },
    });
    return [asked, answer, reply];
  });
}

describeStores(`convstore/langchain (node ${process.versions.node})`, (open) => {
  let store: ConversationStore;
  const key = (sessionId: string) => ({ userId: 'alice', sessionId });

  function chainOver(
    histories: (sessionId: string) => ConvstoreChatMessageHistory | InMemoryChatMessageHistory,
  ) {
    const seen: BaseMessage[][] = [];
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'Be brief.'],
      new MessagesPlaceholder('history'),
      ['human', '{question}'],
    ]);
    const record = RunnableLambda.from((value: ChatPromptValueInterface) => {
      seen.push(value.toChatMessages());
      return value;
    });
    const model = new FakeListChatModel({ responses: ['Hi Bob.', 'You are Bob.', 'Bye.'] });
    const chain = new RunnableWithMessageHistory({
      runnable: prompt.pipe(record).pipe(model),
      getMessageHistory: histories,
      inputMessagesKey: 'question',
      historyMessagesKey: 'history',
    });
    return { chain, seen };
  }

  it('keeps a RunnableWithMessageHistory conversation as InMemoryChatMessageHistory does', async () => {
    store = await open();
    const ours = chainOver(
      (sessionId) => new ConvstoreChatMessageHistory({ store, userId: 'alice', sessionId }),
    );
    const memory = new InMemoryChatMessageHistory();
    const theirs = chainOver(() => memory);
    for (const question of ['I am Bob.', 'Who am I?', 'Bye!']) {
      const config = { configurable: { sessionId: 'chat-1' } };
      await ours.chain.invoke({ question }, config);
      await theirs.chain.invoke({ question }, config);
    }
    const history = new ConvstoreChatMessageHistory({
      store,
      userId: 'alice',
      sessionId: 'chat-1',
    });
    expect(runForms(await history.getMessages())).toEqual(runForms(await memory.getMessages()));
    // Each turn's prompt held the whole stored history.
    expect(ours.seen.map((m) => m.length)).toEqual([2, 4, 6]);
    expect(runForms(ours.seen[2]!)).toEqual(runForms(theirs.seen[2]!));
    const stored = await store.history(key('chat-1'));
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ['user', 'I am Bob.'],
      ['assistant', 'Hi Bob.'],
      ['user', 'Who am I?'],
      ['assistant', 'You are Bob.'],
      ['user', 'Bye!'],
      ['assistant', 'Bye.'],
    ]);
    expect(stored.every((m) => m.format === LANGCHAIN_MESSAGE_FORMAT)).toBe(true);
  });

  it('stores tool-calling turns with their call links and usage, and windows keep the pairs', async () => {
    store = await open();
    const turn = { n: 0 };
    const chain = new RunnableWithMessageHistory({
      runnable: toolTurn(turn),
      getMessageHistory: (sessionId: string) =>
        new ConvstoreChatMessageHistory({ store, userId: 'alice', sessionId }),
      inputMessagesKey: 'question',
      historyMessagesKey: 'history',
    });
    const config = { configurable: { sessionId: 'tools' } };
    await chain.invoke({ question: 'Lisbon' }, config);
    await chain.invoke({ question: 'Porto' }, config);

    const stored = await store.history(key('tools'));
    expect(stored.map((m) => [m.role, m.kind, m.toolCallIds, m.toolResultIds])).toEqual([
      ['user', 'message', [], []],
      ['assistant', 'tool-call', ['call_1'], []],
      ['tool', 'tool-result', [], ['call_1']],
      ['assistant', 'message', [], []],
      ['user', 'message', [], []],
      ['assistant', 'tool-call', ['call_2'], []],
      ['tool', 'tool-result', [], ['call_2']],
      ['assistant', 'message', [], []],
    ]);
    expect(stored[3]!.usage).toEqual({
      model: 'fake-1',
      inputTokens: 40,
      outputTokens: 9,
      totalTokens: 49,
      cachedInputTokens: 30,
      reasoningTokens: 2,
      finishReason: 'stop',
    });
    const history = new ConvstoreChatMessageHistory({ store, userId: 'alice', sessionId: 'tools' });
    const all = await history.getMessages();
    expect(all[1]).toBeInstanceOf(AIMessage);
    expect((all[1] as AIMessage).tool_calls).toMatchObject([{ id: 'call_1', name: 'weather' }]);
    expect(all[2]).toBeInstanceOf(ToolMessage);
    expect((all[2] as ToolMessage).tool_call_id).toBe('call_1');
    expect((all[3] as AIMessage).usage_metadata?.total_tokens).toBe(49);
    // The newest two start at a tool result: the window reaches back to its call.
    expect(forms(await history.getRecentMessages({ last: 2 }))).toEqual(forms(all.slice(-3)));
    expect(forms(await history.getRecentMessages({ last: 3 }))).toEqual(forms(all.slice(-3)));
    // A budget window is a suffix of the history that never starts with a ToolMessage.
    for (const tokenBudget of [1, 5, 10, 20, 40, 1000]) {
      const window = await history.getRecentMessages({ tokenBudget });
      expect(forms(window)).toEqual(forms(all.slice(all.length - window.length)));
      expect(window[0]).not.toBeInstanceOf(ToolMessage);
    }
  });

  it('round-trips content blocks, names, ids, tool calls, artifacts and late-set fields', async () => {
    store = await open();
    const late = new AIMessage('set later');
    late.name = 'planner';
    late.id = 'run-late-1';
    late.response_metadata = { model_name: 'm' };
    const messages: BaseMessage[] = [
      new SystemMessage({ content: 'sys', id: 'sys-1' }),
      new HumanMessage({
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0=' } },
        ],
        name: 'bob',
        id: 'h-1',
        additional_kwargs: { client: { ts: 1 } },
      }),
      new AIMessage({
        content: [{ type: 'text', text: 'Calling.' }],
        tool_calls: [{ id: 'c1', name: 'look', args: { q: 'x\u0000y' }, type: 'tool_call' }],
        invalid_tool_calls: [
          { id: 'c2', name: 'bad', args: '{oops', error: 'bad json', type: 'invalid_tool_call' },
        ],
        usage_metadata: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
        id: 'ai-1',
      }),
      new ToolMessage({
        content: 'seen',
        tool_call_id: 'c1',
        artifact: { raw: [1, 2, 3] },
        status: 'success',
        name: 'look',
      }),
      new FunctionMessage({ content: 'legacy', name: 'old_fn' }),
      new ChatMessage({ content: 'custom role', role: 'critic' }),
      late,
    ];
    const history = new ConvstoreChatMessageHistory({ store, userId: 'alice', sessionId: 'rt' });
    const append = vi.spyOn(store, 'append');
    await history.addMessages(messages);
    expect(append).toHaveBeenCalledTimes(1);
    const back = await history.getMessages();
    expect(forms(back)).toEqual(forms(messages));
    expect(back[6]!.name).toBe('planner');
    expect(back[6]!.id).toBe('run-late-1');
    const stored = await store.history(key('rt'));
    expect(stored.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'user',
      'assistant',
    ]);
    expect(JSON.parse(stored[2]!.data!)).toEqual(storedForm(messages[2]!));

    await history.addMessage(new HumanMessage('one more'));
    expect(await history.getMessages()).toHaveLength(8);
    await history.clear();
    expect(await history.getMessages()).toEqual([]);
    expect(await store.getSession(key('rt'))).not.toBeNull();
    const fresh = new ConvstoreChatMessageHistory({ store, userId: 'alice', sessionId: 'none' });
    expect(await fresh.getMessages()).toEqual([]);
    await fresh.clear();
  });

  it('runs examples/langchain/main.ts', async () => {
    const { answers, history } = await main(open());
    expect(answers).toEqual(['Hello Ada!', 'Your name is Ada.']);
    expect(history).toEqual([
      ['human', 'Hi, I am Ada.'],
      ['ai', 'Hello Ada!'],
      ['human', 'What is my name?'],
      ['ai', 'Your name is Ada.'],
    ]);
  });
});
