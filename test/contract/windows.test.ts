import { expect, it } from 'vitest';
import type { ConversationStore, HistoryAlign, NewMessage } from '../../src/index.js';
import { describeContract, openStore } from '../support/store-under-test.js';
import { referenceWindow, type WindowQuery } from '../support/window-reference.js';

const key = { userId: 'alice', sessionId: 'w' };

const user = (content: string): NewMessage => ({ role: 'user', content, tokenCount: 3 });
const system = (content: string): NewMessage => ({ role: 'system', content, tokenCount: 2 });
const text = (content: string): NewMessage => ({ role: 'assistant', content, tokenCount: 5 });
const reasoning = (): NewMessage => ({
  role: 'assistant',
  kind: 'reasoning',
  content: '',
  data: '{"type":"reasoning","id":"rs"}',
  tokenCount: 4,
});
const call = (...ids: string[]): NewMessage => ({
  role: 'assistant',
  kind: 'tool-call',
  content: '',
  toolCallIds: ids,
  tokenCount: 6,
});
const result = (id: string): NewMessage => ({
  role: 'tool',
  kind: 'tool-result',
  content: `result ${id}`,
  toolResultIds: [id],
  tokenCount: 8,
});

/** A session with tool pairs, parallel calls, reasoning items and a call answered much later. */
const SESSION: NewMessage[] = [
  system('be brief'),
  system('tools allowed'),
  user('weather?'),
  reasoning(),
  call('c1'),
  result('c1'),
  text('21 degrees'),
  user('and two cities?'),
  call('c2', 'c3'),
  result('c3'),
  result('c2'),
  text('both sunny'),
  user('slow job'),
  call('c4'),
  text('started it'),
  user('meanwhile?'),
  reasoning(),
  text('thinking done'),
  result('c4'),
  user('thanks'),
];

async function seed(store: ConversationStore, messages: NewMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 7) {
    await store.append({ ...key, messages: messages.slice(i, i + 7) });
  }
}

async function expectReference(store: ConversationStore, query: WindowQuery): Promise<void> {
  const all = await store.history({ ...key, last: 1000 });
  const got = (await store.history({ ...key, ...query })).map((m) => m.seq);
  expect({ query, seqs: got }).toEqual({ query, seqs: referenceWindow(all, query) });
}

const ALIGNS: HistoryAlign[] = ['exact', 'tool-pairs', 'turn'];

describeContract('windows', () => {
  it('matches the reference for every N, alignment and pinning', async () => {
    const store = await openStore();
    await seed(store, SESSION);
    for (const align of ALIGNS) {
      for (const pinSystem of [false, true]) {
        for (let last = 1; last <= SESSION.length + 1; last++) {
          await expectReference(store, { last, align, pinSystem });
        }
      }
    }
  });

  it('never begins a tool-pairs window with a result or after a reasoning item', async () => {
    const store = await openStore();
    await seed(store, SESSION);
    for (let last = 1; last <= SESSION.length; last++) {
      const window = await store.history({ ...key, last, align: 'tool-pairs' });
      const opened = new Set(window.flatMap((m) => m.toolCallIds));
      for (const m of window) for (const id of m.toolResultIds) expect(opened.has(id)).toBe(true);
      expect(window.length).toBeGreaterThanOrEqual(Math.min(last, SESSION.length));
    }
  });

  it('matches the reference for every token budget', async () => {
    const store = await openStore();
    await seed(store, SESSION);
    const total = SESSION.reduce((sum, m) => sum + (m.tokenCount ?? 0), 0);
    for (const align of ['tool-pairs', 'turn'] as HistoryAlign[]) {
      for (const pinSystem of [false, true]) {
        for (let tokenBudget = 1; tokenBudget <= total + 2; tokenBudget += 3) {
          await expectReference(store, { tokenBudget, align, pinSystem });
        }
        await expectReference(store, { tokenBudget: 40, last: 4, align, pinSystem });
      }
    }
  });

  it('leaves out results whose call was trimmed or deleted, and filters by status', async () => {
    const store = await openStore({ maxHistory: 12 });
    await seed(store, SESSION);
    await store.beginMessage({ ...key, messageId: 'draft' });
    const all = await store.history({ ...key, last: 1000 });
    expect(all.length).toBe(12);
    const firstCall = all.find((m) => m.kind === 'tool-call');
    if (firstCall) await store.deleteMessages({ ...key, messageIds: [firstCall.messageId] });
    for (let last = 1; last <= 13; last++) {
      await expectReference(store, { last, align: 'tool-pairs' });
      await expectReference(store, { last, align: 'turn', statuses: ['complete'] });
      await expectReference(store, { last, statuses: ['streaming', 'complete'] });
    }
    for (let tokenBudget = 1; tokenBudget <= 80; tokenBudget += 7) {
      await expectReference(store, { tokenBudget, align: 'tool-pairs', statuses: ['complete'] });
    }
  });

  it('answers not_found for a session that is not visible, [] for an empty one', async () => {
    const store = await openStore();
    await expect(store.history({ ...key, last: 5, align: 'tool-pairs' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await store.createSession(key);
    expect(await store.history({ ...key, tokenBudget: 10 })).toEqual([]);
  });
});
