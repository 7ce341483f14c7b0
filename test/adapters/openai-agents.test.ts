import {
  Agent,
  MemorySession,
  run,
  retryPolicies,
  setTracingDisabled,
  tool,
  type AgentInputItem,
  type Session,
} from '@openai/agents';
import { beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConversationStore } from '../../src/index.js';
import { AGENT_ITEM_FORMAT, ConvstoreSession } from '../../src/adapters/openai-agents/index.js';
import { main } from '../../examples/openai-agents/main.js';
import { FakeAgentModel } from './support/fake-agent-model.js';
import { describeStores } from './support/stores.js';

beforeAll(() => setTracingDisabled(true));

const weather = tool({
  name: 'weather',
  description: 'The weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 21 }),
});

function agentWith(model: FakeAgentModel, retries = 0, guard?: string) {
  return new Agent({
    ...(guard
      ? {
          outputGuardrails: [
            {
              name: 'no-city',
              execute: async ({ agentOutput }: { agentOutput: unknown }) => ({
                tripwireTriggered: String(agentOutput).includes(guard),
                outputInfo: null,
              }),
            },
          ],
        }
      : {}),
    name: 'Assistant',
    instructions: 'Use the weather tool.',
    tools: [weather],
    model,
    ...(retries > 0
      ? {
          modelSettings: {
            retry: {
              maxRetries: retries,
              backoff: { initialDelayMs: 0, maxDelayMs: 0 },
              policy: retryPolicies.networkError(),
            },
          },
        }
      : {}),
  });
}

/** Runs the same turns against a session; returns the model's requests. */
async function converse(session: Session, turns: string[], failFirst = 0, guard?: string) {
  const model = new FakeAgentModel({ failFirst });
  const agent = agentWith(model, failFirst, guard);
  const outputs: unknown[] = [];
  for (const turn of turns) {
    try {
      outputs.push((await run(agent, turn, { session })).finalOutput);
    } catch (error) {
      outputs.push(`refused: ${(error as Error).name}`);
    }
  }
  return { model, outputs };
}

/** Every item type of the protocol, with providerData and binary data in tool outputs. */
function everyItemType(): AgentInputItem[] {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);
  return [
    { type: 'message', role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'input_text', text: 'Look at this' },
        { type: 'input_image', image: 'data:image/png;base64,iVBORw0=' },
      ],
      providerData: { cache: { ttl: '5m' } },
    },
    {
      type: 'reasoning',
      id: 'rs_1',
      content: [{ type: 'input_text', text: 'thinking' }],
      providerData: { encryptedContent: 'gAAA\u0000==' },
    },
    {
      type: 'function_call',
      id: 'fc_1',
      callId: 'call_1',
      name: 'render',
      arguments: '{"w":2}',
      status: 'completed',
      providerData: { itemId: 'fc_1' },
    },
    {
      type: 'function_call_result',
      callId: 'call_1',
      name: 'render',
      status: 'completed',
      output: [
        { type: 'input_image', image: { data: png, mediaType: 'image/png' } },
        { type: 'input_text', text: 'rendered' },
      ],
    } as AgentInputItem,
    {
      type: 'hosted_tool_call',
      id: 'ws_1',
      name: 'web_search_call',
      status: 'completed',
      output: 'results',
      providerData: { action: { query: 'q' } },
    },
    {
      type: 'computer_call',
      id: 'cu_1',
      callId: 'call_2',
      status: 'completed',
      action: { type: 'click', x: 1, y: 2, button: 'left' },
    },
    {
      type: 'computer_call_result',
      callId: 'call_2',
      output: { type: 'computer_screenshot', data: 'data:image/png;base64,AAAA' },
    },
    {
      type: 'shell_call',
      callId: 'call_3',
      status: 'completed',
      action: { commands: ['ls'] },
    },
    {
      type: 'shell_call_output',
      callId: 'call_3',
      output: [{ stdout: 'a\n', stderr: '', outcome: { type: 'exit', exitCode: 0 } }],
    },
    {
      type: 'apply_patch_call',
      callId: 'call_4',
      status: 'completed',
      operation: { type: 'create_file', path: 'a.txt', diff: '+hi' },
    },
    { type: 'apply_patch_call_output', callId: 'call_4', status: 'completed', output: 'ok' },
    {
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Done.', annotations: [] } as never],
    },
    { type: 'compaction', encrypted_content: 'cmp_abc' } as AgentInputItem,
    { type: 'unknown', providerData: { future: { field: [1, 2] } } } as AgentInputItem,
  ] as AgentInputItem[];
}

describeStores(`convstore/openai-agents (node ${process.versions.node})`, (open) => {
  let store: ConversationStore;
  const key = (sessionId: string) => ({ userId: 'alice', sessionId });

  it('keeps a multi-turn agent run exactly as the SDK’s own MemorySession does', async () => {
    store = await open();
    const session = new ConvstoreSession({ store, userId: 'alice', sessionId: 'run-1' });
    const turns = ['Weather in Lisbon?', 'And in Porto?', 'And in Faro?'];
    const ours = await converse(session, turns);
    const reference = new MemorySession();
    const theirs = await converse(reference, turns);

    expect(ours.outputs).toEqual(theirs.outputs);
    expect(await session.getItems()).toEqual(await reference.getItems());
    // The model saw the stored history on later turns, as it does with MemorySession.
    expect(ours.model.requests.map((r) => r.input)).toEqual(
      theirs.model.requests.map((r) => r.input),
    );

    const stored = await store.history(key('run-1'));
    expect(stored.every((m) => m.format === AGENT_ITEM_FORMAT)).toBe(true);
    expect(stored.slice(0, 5).map((m) => [m.role, m.kind])).toEqual([
      ['user', 'message'],
      ['assistant', 'reasoning'],
      ['assistant', 'tool-call'],
      ['tool', 'tool-result'],
      ['assistant', 'message'],
    ]);
    expect(stored[2]!.toolCallIds).toEqual(['call_1']);
    expect(stored[3]!.toolResultIds).toEqual(['call_1']);
  });

  it('getItems(limit) gives the newest items and never an orphan output or a lone reasoning successor', async () => {
    store = await open();
    const session = new ConvstoreSession({ store, userId: 'alice', sessionId: 'run-2' });
    await converse(session, ['Weather in Lisbon?', 'And in Porto?']);
    const all = await session.getItems();
    expect(all).toHaveLength(10);
    expect(await session.getItems(1)).toEqual(all.slice(-1));
    expect(await session.getItems(0)).toEqual([]);
    // The newest 2 would start at the function output: its call and the reasoning before it join.
    expect(await session.getItems(2)).toEqual(all.slice(-4));
    // The newest 3 would start at the function call that the reasoning item produced.
    expect(await session.getItems(3)).toEqual(all.slice(-4));
    expect(await session.getItems(100)).toEqual(all);
  });

  it('round-trips every item type, providerData and binary tool output byte for byte', async () => {
    store = await open();
    const session = new ConvstoreSession({ store, userId: 'alice', sessionId: 'types' });
    const items = everyItemType();
    await session.addItems(items);
    const back = await session.getItems();
    expect(back).toEqual(items);
    const image = (back[4] as { output: Array<{ image?: { data: unknown } }> }).output[0]!.image!;
    expect(image.data).toBeInstanceOf(Uint8Array);
    expect([...(image.data as Uint8Array)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);
    const kinds = (await store.history(key('types'))).map((m) => m.kind);
    expect(kinds).toEqual([
      'message',
      'message',
      'reasoning',
      'tool-call',
      'tool-result',
      'other',
      'tool-call',
      'tool-result',
      'tool-call',
      'tool-result',
      'tool-call',
      'tool-result',
      'message',
      'compaction',
      'other',
    ]);
  });

  it('concurrent popItem calls never return the same item', async () => {
    store = await open();
    const session = new ConvstoreSession({ store, userId: 'alice', sessionId: 'pops' });
    const items = Array.from({ length: 12 }, (_, i) => ({
      role: 'user' as const,
      content: `m${i}`,
    }));
    await session.addItems(items);
    const popped = await Promise.all(Array.from({ length: 14 }, () => session.popItem()));
    const contents = popped
      .filter((item) => item !== undefined)
      .map((item) => (item as { content: string }).content);
    expect(contents.sort()).toEqual(items.map((item) => item.content).sort());
    expect(popped.filter((item) => item === undefined)).toHaveLength(2);
    expect(await session.getItems()).toEqual([]);
    expect(await session.popItem()).toBeUndefined();
  });

  it('retries a failed model call without duplicating items', async () => {
    store = await open();
    const session = new ConvstoreSession({ store, userId: 'alice', sessionId: 'retry' });
    const ours = await converse(session, ['Weather in Lisbon?'], 1);
    const reference = new MemorySession();
    await converse(reference, ['Weather in Lisbon?']);
    expect(ours.model.requests.length).toBe(3);
    expect(await session.getItems()).toEqual(await reference.getItems());
  });

  it('persists a turn whose output a guardrail blocks through history transactions, as MemorySession', async () => {
    store = await open();
    const session = new ConvstoreSession({ store, userId: 'alice', sessionId: 'guard' });
    const transactions: string[] = [];
    const apply = session.applyHistoryTransaction.bind(session);
    session.applyHistoryTransaction = async (args) => {
      transactions.push(args.transaction.type);
      return apply(args);
    };
    const turns = ['Weather in Lisbon?', 'And in Porto?', 'And in Faro?'];
    const ours = await converse(session, turns, 0, 'City 2');
    const reference = new MemorySession();
    const theirs = await converse(reference, turns, 0, 'City 2');
    expect(ours.outputs[1]).toMatch(/^refused/);
    expect(ours.outputs).toEqual(theirs.outputs);
    expect(transactions.length).toBeGreaterThan(0);
    expect(await session.getItems()).toEqual(await reference.getItems());
  });

  it('applies a transaction once per operation id and refuses a reused id or a stale suffix', async () => {
    store = await open();
    const session = new ConvstoreSession({ store, userId: 'alice', sessionId: 'tx' });
    const a = { role: 'user' as const, content: 'a' };
    const b = { role: 'user' as const, content: 'b' };
    const c = { role: 'user' as const, content: 'c' };
    const append = { type: 'append_items' as const, items: [a, b] };
    await session.applyHistoryTransaction({ operationId: 'op-1', transaction: append });
    await session.applyHistoryTransaction({ operationId: 'op-1', transaction: append });
    expect(await session.getItems()).toEqual([a, b]);
    await expect(
      session.applyHistoryTransaction({
        operationId: 'op-1',
        transaction: { type: 'append_items', items: [c] },
      }),
    ).rejects.toMatchObject({ code: 'operation_conflict' });

    const replace = { type: 'replace_suffix' as const, expectedSuffix: [b], replacement: [c] };
    await session.applyHistoryTransaction({ operationId: 'op-2', transaction: replace });
    expect(await session.getItems()).toEqual([a, c]);
    // A replay from this process, then from another one (a new session object), is a no-op.
    await session.applyHistoryTransaction({ operationId: 'op-2', transaction: replace });
    const elsewhere = new ConvstoreSession({ store, userId: 'alice', sessionId: 'tx' });
    await elsewhere.applyHistoryTransaction({ operationId: 'op-2', transaction: replace });
    expect(await session.getItems()).toEqual([a, c]);

    const stale = { type: 'replace_suffix' as const, expectedSuffix: [b], replacement: [a] };
    await expect(
      elsewhere.applyHistoryTransaction({ operationId: 'op-3', transaction: stale }),
    ).rejects.toMatchObject({ code: 'operation_conflict' });
    await expect(
      elsewhere.applyHistoryTransaction({
        operationId: 'op-2',
        transaction: { type: 'replace_suffix', expectedSuffix: [b], replacement: [b] },
      }),
    ).rejects.toMatchObject({ code: 'operation_conflict' });
    expect(await session.getItems()).toEqual([a, c]);
    await expect(
      session.applyHistoryTransaction({ operationId: ' ', transaction: append }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('replaces history with a compaction and rewrites a function call', async () => {
    store = await open();
    const session = new ConvstoreSession({ store, userId: 'alice', sessionId: 'compact' });
    await converse(session, ['Weather in Lisbon?', 'And in Porto?']);
    const before = await store.history(key('compact'));
    const kept = (await session.getItems()).slice(-1);
    const compaction = { type: 'compaction', encrypted_content: 'summary' } as AgentInputItem;
    await session.replaceHistoryWithCompaction([compaction, ...kept]);
    expect(await session.getItems()).toEqual([compaction, ...kept]);
    const after = await store.history(key('compact'));
    expect(after[0]!.seq).toBeGreaterThan(before.at(-1)!.seq);
    expect(after.map((m) => m.kind)).toEqual(['compaction', 'message']);

    // The runner can continue after the compaction.
    await converse(session, ['And in Faro?']);
    const items = await session.getItems();
    expect(items[0]).toEqual(compaction);
    const call = items.find((item) => item.type === 'function_call')!;
    const replacement = { ...call, arguments: '{"city":"Faro, PT"}' } as typeof call & {
      type: 'function_call';
    };
    await session.applyHistoryMutations({
      mutations: [{ type: 'replace_function_call', callId: replacement.callId, replacement }],
    });
    expect(await session.getItems()).toEqual(
      items.map((item) => (item === call ? replacement : item)),
    );

    await session.clearSession();
    expect(await session.getItems()).toEqual([]);
    expect(await store.getSession(key('compact'))).not.toBeNull();
  });

  it('runs examples/openai-agents/main.ts', async () => {
    const { answers, items } = await main(open());
    expect(answers).toEqual([
      'It is 21 °C and sunny in Lisbon.',
      'It is 21 °C and sunny in Lisbon.',
    ]);
    expect(items.filter((item) => item.type === 'function_call')).toHaveLength(2);
  });
});
