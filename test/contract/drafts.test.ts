import { expect, it } from 'vitest';
import type { ConversationStore, Message } from '../../src/index.js';
import {
  describeContract,
  openAnotherInstance,
  openStore,
  STORE_UNDER_TEST,
} from '../support/store-under-test.js';

const key = { userId: 'alice', sessionId: 's1' };

/** Polls until the condition holds: a lease runs out with time, nothing else to wait on. */
async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function read(store: ConversationStore, messageId: string): Promise<Message | undefined> {
  return (await store.history(key)).find((m) => m.messageId === messageId);
}

describeContract('streaming drafts', () => {
  it('takes its seq when it begins, streams under a lease and ends once', async () => {
    const store = await openStore();
    await store.append({ ...key, messages: [{ role: 'user', content: 'hi' }] });
    const { message, lease } = await store.beginMessage({ ...key, messageId: 'draft' });
    expect(message).toMatchObject({ seq: 2, role: 'assistant', status: 'streaming', content: '' });
    const later = await store.append({ ...key, messages: [{ role: 'user', content: 'more' }] });
    expect(later.messages[0]!.seq).toBe(3);

    const partial = await store.checkpointMessage({
      ...key,
      messageId: 'draft',
      lease,
      content: 'Hel',
    });
    expect(partial).toMatchObject({ content: 'Hel', status: 'streaming', version: 2 });
    await expect(
      store.checkpointMessage({ ...key, messageId: 'draft', lease: 'not-mine', content: 'x' }),
    ).rejects.toMatchObject({ code: 'lease_conflict' });

    const done = await store.finalizeMessage({
      ...key,
      messageId: 'draft',
      lease,
      status: 'complete',
      content: 'Hello',
      usage: { outputTokens: 2, finishReason: 'stop' },
    });
    expect(done).toMatchObject({ status: 'complete', content: 'Hello', version: 3 });
    expect(done.usage).toEqual({ outputTokens: 2, finishReason: 'stop' });
    const again = await store.finalizeMessage({
      ...key,
      messageId: 'draft',
      lease,
      status: 'complete',
    });
    expect(again).toEqual(done);
    await expect(
      store.finalizeMessage({ ...key, messageId: 'draft', lease, status: 'error' }),
    ).rejects.toMatchObject({ code: 'lease_conflict' });
    await expect(
      store.checkpointMessage({ ...key, messageId: 'draft', lease, content: 'late' }),
    ).rejects.toMatchObject({ code: 'lease_conflict' });
    expect(await read(store, 'draft')).toEqual(done);
  });

  it('stores an aborted stream with what had arrived', async () => {
    const store = await openStore();
    const { lease } = await store.beginMessage({ ...key, messageId: 'd' });
    await store.checkpointMessage({ ...key, messageId: 'd', lease, content: 'partial answ' });
    const aborted = await store.finalizeMessage({
      ...key,
      messageId: 'd',
      lease,
      status: 'aborted',
    });
    expect(aborted).toMatchObject({ status: 'aborted', content: 'partial answ' });
  });

  it('marks a draft whose lease ran out as aborted, never streaming forever', async () => {
    const store = await openStore();
    const { lease } = await store.beginMessage({
      ...key,
      messageId: 'dead',
      content: 'half',
      leaseMs: 100,
    });
    await until(async () => (await read(store, 'dead'))?.status === 'aborted');
    expect(await read(store, 'dead')).toMatchObject({ status: 'aborted', content: 'half' });
    await expect(
      store.checkpointMessage({ ...key, messageId: 'dead', lease, content: 'too late' }),
    ).rejects.toMatchObject({ code: 'lease_conflict' });
    await expect(
      store.finalizeMessage({ ...key, messageId: 'dead', lease, status: 'complete' }),
    ).rejects.toMatchObject({ code: 'lease_conflict' });
    expect(await store.history({ ...key, statuses: ['streaming'] })).toEqual([]);
  });

  it('refuses to begin a draft under a messageId already stored', async () => {
    const store = await openStore();
    await store.append({ ...key, messages: [{ role: 'user', content: 'x', messageId: 'taken' }] });
    await expect(store.beginMessage({ ...key, messageId: 'taken' })).rejects.toMatchObject({
      code: 'lease_conflict',
    });
  });

  it('leaves drafts out of a read that asks for complete messages only', async () => {
    const store = await openStore();
    await store.append({ ...key, messages: [{ role: 'user', content: 'q' }] });
    await store.beginMessage({ ...key, messageId: 'streaming' });
    expect(
      (await store.history({ ...key, last: 10, statuses: ['complete'] })).map((m) => m.seq),
    ).toEqual([1]);
    expect((await store.history({ ...key, last: 10 })).map((m) => m.seq)).toEqual([1, 2]);
  });

  it('wakes the followers of a draft on another instance, and only those of its session', async () => {
    const store = await openStore();
    if (STORE_UNDER_TEST === 'http') {
      // The HTTP client has no feed of its own: the service behind it follows with its store's.
      expect(store.capabilities.changes).toBeUndefined();
      return;
    }
    const elsewhere = await openAnotherInstance(store);
    const feed = elsewhere.capabilities.changes!;
    expect(feed).toBeDefined();
    const other = { ...key, sessionId: 's2' };
    const first = await store.beginMessage({ ...key, messageId: 'd1' });
    const second = await store.beginMessage({ ...other, messageId: 'd2' });
    const wakes = { mine: 0, theirs: 0, bob: 0 };
    const stops = [
      await feed.watch(key, () => wakes.mine++),
      await feed.watch(other, () => wakes.theirs++),
      await feed.watch({ userId: 'bob', sessionId: 's1' }, () => wakes.bob++),
    ];
    await store.checkpointMessage({ ...key, messageId: 'd1', lease: first.lease, content: 'He' });
    await expect.poll(() => wakes.mine).toBe(1);
    // Signals arrive in the order they were sent: once s2's is in, s1's follower was not woken
    // by it, nor was bob's (same session id, another user).
    await store.finalizeMessage({
      ...other,
      messageId: 'd2',
      lease: second.lease,
      status: 'complete',
    });
    await expect.poll(() => wakes.theirs).toBe(1);
    await store.finalizeMessage({ ...key, messageId: 'd1', lease: first.lease, status: 'aborted' });
    await expect.poll(() => wakes.mine).toBe(2);
    expect(wakes).toEqual({ mine: 2, theirs: 1, bob: 0 });
    // Stopped: no more wake-ups. The signal after it, for another session, proves that delivery
    // went on (signals arrive in order).
    stops[0]!();
    const third = await store.beginMessage({ ...key, messageId: 'd3' });
    const fourth = await store.beginMessage({ ...other, messageId: 'd4' });
    await store.checkpointMessage({ ...key, messageId: 'd3', lease: third.lease, content: 'x' });
    await store.checkpointMessage({ ...other, messageId: 'd4', lease: fourth.lease, content: 'y' });
    await expect.poll(() => wakes.theirs).toBe(2);
    expect(wakes.mine).toBe(2);
    for (const stop of stops.slice(1)) stop();
  });
});
