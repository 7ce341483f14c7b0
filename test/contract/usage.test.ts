import { expect, it } from 'vitest';
import { UnsupportedError, ValidationError } from '../../src/index.js';
import { runUsageRollup } from '../../src/jobs/usage-rollup.js';
import { STORE_UNDER_TEST, describeContract, openStore } from '../support/store-under-test.js';

/** Redis keeps no history: every redis-only store answers unsupported. */
const REDIS_ONLY = STORE_UNDER_TEST === 'redis' || STORE_UNDER_TEST === 'redis-cluster';

const FROM = new Date(Date.now() - 86_400_000);
const TO = new Date(Date.now() + 86_400_000);

async function seeded() {
  const store = await openStore();
  await store.append({
    userId: 'alice',
    sessionId: 'a1',
    agentId: 'helper',
    messages: [
      { role: 'user', content: 'q1' },
      {
        role: 'assistant',
        content: 'a1',
        usage: { model: 'gpt-x', inputTokens: 10, outputTokens: 20, latencyMs: 100 },
      },
      {
        role: 'assistant',
        content: 'a2',
        usage: {
          model: 'gpt-y',
          inputTokens: 5,
          outputTokens: 7,
          reasoningTokens: 3,
          cachedInputTokens: 2,
          latencyMs: 300,
        },
      },
    ],
  });
  await store.append({
    userId: 'bob',
    sessionId: 'b1',
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a', usage: { model: 'gpt-x', inputTokens: 1000 } },
    ],
  });
  return store;
}

describeContract('usage', () => {
  if (REDIS_ONLY) {
    it('answers unsupported: redis keeps no history to report on', async () => {
      const store = await openStore();
      await expect(store.usage({ userId: 'alice', from: FROM, to: TO })).rejects.toBeInstanceOf(
        UnsupportedError,
      );
      await expect(runUsageRollup(store)).rejects.toBeInstanceOf(UnsupportedError);
    });
    return;
  }

  it("reports one user's totals, never another's", async () => {
    const store = await seeded();
    const { rows } = await store.usage({ userId: 'alice', from: FROM, to: TO });
    expect(rows).toEqual([
      {
        sessions: 1,
        activeSessions: 1,
        messages: 3,
        messagesByRole: { system: 0, user: 1, assistant: 2, tool: 0 },
        inputTokens: 15,
        outputTokens: 27,
        reasoningTokens: 3,
        cachedInputTokens: 2,
        activeUsers: 1,
        // percentile_cont gives 200 and 290; the histogram's buckets (19 % wide) read the two
        // latencies as 97.7 and 278.1 (their buckets' middles), and interpolate between them.
        latencyP50Ms: 187.9,
        latencyP95Ms: 269.1,
      },
    ]);
  });

  it('groups by model and agent; everyone when no user is named', async () => {
    const store = await seeded();
    const { rows } = await store.usage({ from: FROM, to: TO, groupBy: ['agent', 'model'] });
    const brief = rows.map((r) => [r.agentId, r.model, r.messages, r.inputTokens, r.activeUsers]);
    expect(brief).toEqual([
      ['helper', 'gpt-x', 1, 10, 1],
      ['helper', 'gpt-y', 1, 5, 1],
      ['helper', null, 1, 0, 1],
      [null, 'gpt-x', 1, 1000, 1],
      [null, null, 1, 0, 1],
    ]);
    expect(rows[0]).not.toHaveProperty('day');
    expect(rows[0]).not.toHaveProperty('userId');
  });

  it('groups by user and by day in the caller zone', async () => {
    const store = await seeded();
    const byUser = await store.usage({ from: FROM, to: TO, groupBy: ['user'] });
    expect(byUser.rows.map((r) => [r.userId, r.messages, r.sessions])).toEqual([
      ['alice', 3, 1],
      ['bob', 2, 1],
    ]);
    const zone = 'Asia/Tokyo';
    const byDay = await store.usage({ from: FROM, to: TO, groupBy: ['day'], timeZone: zone });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
    expect(byDay.rows.map((r) => [r.day, r.messages, r.activeUsers])).toEqual([[today, 5, 2]]);
  });

  it('counts nothing outside the range', async () => {
    const store = await seeded();
    const { rows } = await store.usage({
      from: new Date(Date.now() - 10 * 86_400_000),
      to: FROM,
      groupBy: ['day'],
    });
    expect(rows).toEqual([]);
  });

  it('reports the same from rolled-up hours as read live (unsupported without a rollup)', async () => {
    const store = await seeded();
    const { portability, usageRollup } = store.capabilities;
    if (!usageRollup || !portability) {
      // The HTTP client: the service rolls up on its own schedule.
      await expect(runUsageRollup(store)).rejects.toBeInstanceOf(UnsupportedError);
      return;
    }
    // A copy of alice's session three days back, its messages hours apart: closed hours.
    const [session] = await collect(portability.exportSessions({ userId: 'alice' }));
    const messages = await store.history({ userId: 'alice', sessionId: 'a1', limit: 10 });
    const start = Date.now() - 3 * 86_400_000;
    const at = (hours: number) => new Date(start + hours * 3_600_000);
    await portability.importSession({
      session: { ...session!, sessionId: 'past', createdAt: at(0), updatedAt: at(30) },
      messages: messages.map((message, i) => ({
        ...message,
        createdAt: at(i * 15),
        updatedAt: at(i * 15),
      })),
    });
    const range = { from: new Date(start - 86_400_000), to: TO };
    const inputs = [
      { ...range, groupBy: ['day' as const, 'model' as const], timeZone: 'Asia/Tokyo' },
      { ...range, groupBy: ['user' as const, 'agent' as const] },
    ];
    const live = await Promise.all(inputs.map((input) => store.usage(input)));
    expect(live[1]!.rows.find((row) => row.userId === 'alice')!.messages).toBe(6);
    const first = await runUsageRollup(store);
    expect(first.rows).toBeGreaterThan(0);
    expect(await Promise.all(inputs.map((input) => store.usage(input)))).toEqual(live);
    expect((await runUsageRollup(store)).rows).toBe(0);
  });

  it('refuses a bad range, dimension or time zone', async () => {
    const store = await openStore();
    await expect(store.usage({ from: TO, to: FROM })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      store.usage({ from: FROM, to: TO, groupBy: ['week' as 'day'] }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      store.usage({ from: FROM, to: TO, timeZone: 'Mars/Olympus' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(store.usage({ from: 'yesterday', to: TO })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
