import { RedisChatMessageHistory } from '@langchain/community/stores/message/ioredis';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { Redis } from 'ioredis';
import { afterAll, expect, inject, it } from 'vitest';
import {
  ConvstoreChatMessageHistory,
  fromStoredForm,
  storedForm,
} from '../../src/adapters/langchain/index.js';
import { TEST_REDIS_URL } from '../support/servers.js';
import { describeStores } from './support/stores.js';

const forms = (messages: BaseMessage[]) =>
  messages.map((message) => ({ class: message.constructor.name, ...storedForm(message) }));

const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
afterAll(() => redis.disconnect());

describeStores('convstore/langchain reads what RedisChatMessageHistory wrote', (open) => {
  it.skipIf(!inject('redisAvailable'))(
    'a list element stored with fromStoredForm reads back as LangChain reads it',
    async () => {
      const store = await open();
      const key = `${inject('runPrefix')}:lc:${process.pid}:${Date.now()}`;
      const theirs = new RedisChatMessageHistory({ sessionId: key, url: TEST_REDIS_URL });
      try {
        await theirs.addMessages([
          new HumanMessage({ content: [{ type: 'text', text: 'Weather?' }], id: 'h1' }),
          new AIMessage({
            content: '',
            tool_calls: [{ id: 'call_1', name: 'weather', args: { city: 'Lisbon' } }],
            usage_metadata: { input_tokens: 5, output_tokens: 2, total_tokens: 7 },
          }),
          new ToolMessage({ content: '21 °C', tool_call_id: 'call_1' }),
          new AIMessage('Sunny, 21 °C.'),
        ]);
        // What a migration reads: the list, newest first (LPUSH), as raw JSON text.
        const raw = (await redis.lrange(key, 0, -1)).reverse();
        await store.append({
          userId: 'alice',
          sessionId: 'migrated',
          messages: raw.map((text, i) => fromStoredForm(JSON.parse(text), `lc-${i + 1}`, text)),
        });
        const ours = new ConvstoreChatMessageHistory({
          store,
          userId: 'alice',
          sessionId: 'migrated',
        });
        expect(forms(await ours.getMessages())).toEqual(forms(await theirs.getMessages()));
        const stored = await store.history({ userId: 'alice', sessionId: 'migrated' });
        expect(stored.map((m) => m.data)).toEqual(raw);
        expect(stored.map((m) => [m.role, m.kind, m.toolCallIds, m.toolResultIds])).toEqual([
          ['user', 'message', [], []],
          ['assistant', 'tool-call', ['call_1'], []],
          ['tool', 'tool-result', [], ['call_1']],
          ['assistant', 'message', [], []],
        ]);
        expect(stored[1]!.usage).toMatchObject({ inputTokens: 5, totalTokens: 7 });
      } finally {
        await theirs.clear();
        theirs.client.disconnect();
      }
    },
  );
});
