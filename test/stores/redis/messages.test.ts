import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createStore,
  type ConversationStore,
  type Message,
  type NewMessage,
} from '../../../src/index.js';
import { startOwnRedis, type OwnRedis } from '../../support/servers.js';
import { referenceWindow, type WindowQuery } from '../../support/window-reference.js';

const available = inject('redisAvailable');

/**
 * The redis store's structured messages on a Redis of the test's own: the log layout's gaps,
 * byte-exact data, retries that change nothing, atomic pops, leases, and the one-script windows
 * against a brute-force reading of their definition.
 */
describe.skipIf(!available)('redis store: structured messages', () => {
  let server: OwnRedis;
  let admin: Redis;
  let prefixes = 0;
  const stores: ConversationStore[] = [];

  beforeAll(async () => {
    server = await startOwnRedis();
    admin = new Redis(server.url);
  });

  afterAll(async () => {
    for (const store of stores) await store.close().catch(() => {});
    admin.disconnect();
    await server.stop();
  });

  async function open(
    options: { ttlSeconds?: number | null; maxHistory?: number } = {},
  ): Promise<[ConversationStore, string]> {
    const keyPrefix = `m${++prefixes}:`;
    const store = await createStore({ url: server.url, keyPrefix, ttlSeconds: 600, ...options });
    stores.push(store);
    return [store, keyPrefix];
  }

  const key = { userId: 'alice', sessionId: 'chat' };
  const user = (content: string, messageId?: string): NewMessage => ({
    role: 'user',
    content,
    ...(messageId ? { messageId } : {}),
  });

  it('keeps data byte for byte: key order, escapes, duplicate keys, unknown fields, 3 MiB', async () => {
    const [store] = await open();
    const file = `data:application/octet-stream;base64,${'QUJD'.repeat((3 * 1024 * 1024) / 4)}`;
    const texts = [
      '{"z":1,"a":{"y":[],"b":{}},"id":"msg_1","providerMetadata":{"openai":{"itemId":"x"}}}',
      '{"text":"nul \\u0000 and \\ud83d\\ude00 and \\/ slash","n":1.0e400,"big":12345678901234567890}',
      '{"dup":1,"dup":2,  "spaced" : [ 1 , 2 ] }',
      JSON.stringify({ parts: [{ type: 'file', url: file }] }),
    ];
    const { messages } = await store.append({
      ...key,
      messages: texts.map((data, i) => ({
        role: 'assistant',
        data,
        format: 'ai-sdk/ui-message',
        messageId: `d${i}`,
      })),
    });
    expect(messages.map((m) => m.data)).toEqual(texts);
    const read = await store.history(key);
    expect(read.map((m) => m.data)).toEqual(texts);
    expect(read.map((m) => m.content)).toEqual(['', '', '', '']);
    const changed = await store.updateMessage({ ...key, messageId: 'd0', data: texts[2]! });
    expect(changed.data).toBe(texts[2]);
    expect((await store.history({ ...key, last: 4 }))[0]!.data).toBe(texts[2]);
  });

  it('leaves gaps after pop, truncate and delete, never reuses a seq, and counts what is kept', async () => {
    const [store] = await open({ maxHistory: 5 });
    await store.append({ ...key, messages: [1, 2, 3, 4].map((i) => user(`m${i}`, `id${i}`)) });
    expect((await store.popMessage(key))!.seq).toBe(4);
    await store.deleteMessages({ ...key, messageIds: ['id2', 'missing'] });
    const next = await store.append({ ...key, messages: [user('m5')] });
    expect(next.messages[0]!.seq).toBe(5);
    expect(next.session).toMatchObject({ lastSeq: 5, messageCount: 3 });
    expect((await store.history(key)).map((m) => m.seq)).toEqual([1, 3, 5]);
    expect(await store.truncate({ ...key, afterSeq: 1 })).toEqual({ deleted: 2 });
    const more = await store.append({
      ...key,
      messages: [6, 7, 8, 9, 10].map((i) => user(`m${i}`)),
    });
    // maxHistory 5 over seqs 1, 6..10: the oldest goes, the count stays right with the gap.
    expect(more.session).toMatchObject({ lastSeq: 10, messageCount: 5 });
    expect((await store.history({ ...key, last: 10 })).map((m) => m.seq)).toEqual([6, 7, 8, 9, 10]);
    expect((await store.history({ ...key, beforeSeq: 8, limit: 1 })).map((m) => m.seq)).toEqual([
      7,
    ]);
    expect(await store.clearMessages(key)).toEqual({ deleted: 5 });
    expect(await store.getSession(key)).toMatchObject({ lastSeq: 10, messageCount: 0 });
    expect((await store.append({ ...key, messages: [user('after')] })).messages[0]!.seq).toBe(11);
  });

  it('answers an identical retry with the stored message and changes nothing at all', async () => {
    const [store, prefix] = await open();
    const first = await store.append({ ...key, messages: [user('hello', 'r1')] });
    await store.updateMessage({ ...key, messageId: 'r1', content: 'edited' });
    const meta = `${prefix}{alice}:meta:chat`;
    const before = await admin.hgetall(meta);
    await admin.pexpire(meta, 100_000);
    const retry = await store.append({ ...key, messages: [user('hello', 'r1')] });
    expect(retry.inserted).toBe(0);
    expect(retry.messages[0]).toMatchObject({ seq: first.messages[0]!.seq, content: 'edited' });
    expect(await admin.hgetall(meta)).toEqual(before);
    expect(await admin.pttl(meta)).toBeLessThanOrEqual(100_000);
    await expect(
      store.append({ ...key, messages: [user('hello', 'new'), user('other', 'r1')] }),
    ).rejects.toMatchObject({ code: 'idempotency_mismatch' });
    expect((await store.history(key)).map((m) => m.messageId)).toEqual(['r1']);
  });

  it('moves a session an older store wrote as a list into the log when it first touches it', async () => {
    const [store, prefix] = await open();
    const base = `${prefix}{alice}:`;
    // Exactly what the list layout's append.lua wrote: seqs 3..4 kept after trimming.
    const items = [
      '{"seq":3,"messageId":"old-3","createdAt":1700000000000,"role":"user","content":"he said \\"hi\\", \\\\ ok","metadata":{"metadata":{"a":[]}}}',
      '{"seq":4,"messageId":"old-4","createdAt":1700000001000,"role":"assistant","content":"","metadata":{}}',
    ];
    await admin.hset(`${base}meta:chat`, {
      c: '1700000000000000',
      u: '1700000001000000',
      e: '',
      l: '4',
      n: '2',
      a: '',
      t: 'null',
      m: '{}',
    });
    await admin.rpush(`${base}msgs:chat`, ...items);
    await admin.hset(`${base}ids:chat`, { 'old-3': '3', 'old-4': '4' });
    const read = await store.history(key);
    expect(read.map((m) => [m.seq, m.messageId, m.role, m.content, m.metadata])).toEqual([
      [3, 'old-3', 'user', 'he said "hi", \\ ok', { metadata: { a: [] } }],
      [4, 'old-4', 'assistant', '', {}],
    ]);
    expect(read[0]).toMatchObject({
      status: 'complete',
      version: 1,
      kind: 'message',
      data: null,
      createdAt: new Date(1700000000000),
    });
    expect(await admin.exists(`${base}msgs:chat`, `${base}ids:chat`)).toBe(0);
    // A retry of an old id is answered as stored; the next message takes the next seq.
    const next = await store.append({ ...key, messages: [user('again', 'old-4'), user('new')] });
    expect(next.messages.map((m) => m.seq)).toEqual([4, 5]);
    expect(next.session).toMatchObject({ lastSeq: 5, messageCount: 3 });
  });

  it('pops each message once under concurrent pops', async () => {
    const [store] = await open();
    await store.append({ ...key, messages: Array.from({ length: 30 }, (_, i) => user(`m${i}`)) });
    const popped = await Promise.all(Array.from({ length: 40 }, () => store.popMessage(key)));
    const seqs = popped.flatMap((m) => (m ? [m.seq] : []));
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(popped.filter((m) => m === null)).toHaveLength(10);
  });

  it('lets one of concurrent updates at the same expected version through', async () => {
    const [store] = await open();
    await store.append({ ...key, messages: [user('v1', 'u')] });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.updateMessage({ ...key, messageId: 'u', content: `by ${i}`, expectedVersion: 1 }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'version_conflict' });
    }
    const [stored] = await store.history(key);
    expect(stored).toMatchObject({
      version: 2,
      content: (won[0] as PromiseFulfilledResult<Message>).value.content,
    });
  });

  it('applies one operation id once under concurrent transactions, and replaces a suffix', async () => {
    const [store] = await open();
    await store.append({
      ...key,
      messages: [user('q', 'q'), { role: 'assistant', content: 'a', messageId: 'a' }],
    });
    const body = {
      operationId: 'op-1',
      replaceSuffix: {
        expected: ['a'],
        replacement: [{ role: 'assistant' as const, content: 'better', messageId: 'a2' }],
      },
    };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.transact({ ...key, ...body })),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    for (const r of results) expect(r.messages.map((m) => m.messageId)).toEqual(['a2']);
    expect((await store.history(key)).map((m) => [m.seq, m.content])).toEqual([
      [1, 'q'],
      [3, 'better'],
    ]);
    await expect(
      store.transact({
        ...key,
        ...body,
        replaceSuffix: { ...body.replaceSuffix, expected: ['q'] },
      }),
    ).rejects.toMatchObject({ code: 'operation_conflict' });
    await expect(
      store.transact({
        ...key,
        operationId: 'op-2',
        replaceSuffix: { expected: ['a'], replacement: [] },
      }),
    ).rejects.toMatchObject({ code: 'operation_conflict' });
    expect((await store.history(key)).map((m) => m.seq)).toEqual([1, 3]);
  });

  it('reads a draft whose lease ran out as aborted, and takes no checkpoint for it', async () => {
    const [store] = await open();
    const { message, lease } = await store.beginMessage({ ...key, leaseMs: 200 });
    expect(message).toMatchObject({ status: 'streaming', role: 'assistant', version: 1 });
    const step = await store.checkpointMessage({
      ...key,
      messageId: message.messageId,
      lease,
      content: 'so far',
    });
    expect(step).toMatchObject({ content: 'so far', version: 2, status: 'streaming' });
    await expect(
      store.checkpointMessage({
        ...key,
        messageId: message.messageId,
        lease: 'not-mine',
        content: 'x',
      }),
    ).rejects.toMatchObject({ code: 'lease_conflict' });
    await expect
      .poll(async () => (await store.history(key))[0]!.status, { timeout: 5_000 })
      .toBe('aborted');
    expect(await store.history({ ...key, statuses: ['streaming'] })).toEqual([]);
    await expect(
      store.checkpointMessage({ ...key, messageId: message.messageId, lease, content: 'late' }),
    ).rejects.toMatchObject({ code: 'lease_conflict' });
    const ended = await store.finalizeMessage({
      ...key,
      messageId: message.messageId,
      status: 'aborted',
    });
    expect(ended).toMatchObject({ status: 'aborted', content: 'so far', version: 3 });
    const again = await store.finalizeMessage({
      ...key,
      messageId: message.messageId,
      status: 'aborted',
    });
    expect(again).toEqual(ended);
  });

  it('cuts every window as the brute-force reference does (and in one script)', async () => {
    const [store] = await open();
    let random = 7;
    const next = () => (random = (random * 48271) % 2147483647) / 2147483647;
    for (let session = 0; session < 4; session++) {
      const sk = { userId: 'alice', sessionId: `w${session}` };
      const plan: NewMessage[] = [];
      for (let s = 0; s < Math.floor(next() * 3); s++)
        plan.push({ role: 'system', content: `sys ${s}` });
      if (session % 2 === 1) {
        // No user message before these: a turn reaching back here takes the whole session.
        plan.push(
          { role: 'assistant', content: 'greeting', tokenCount: 2 },
          { role: 'assistant', kind: 'tool-call', content: 'c', toolCallIds: [`pre${session}`] },
          { role: 'tool', kind: 'tool-result', content: 'r', toolResultIds: [`pre${session}`] },
        );
      }
      let call = 0;
      while (plan.length < 40) {
        plan.push({
          role: 'user',
          content: `u${plan.length}`,
          tokenCount: 1 + Math.floor(next() * 5),
        });
        if (next() < 0.3)
          plan.push({ role: 'assistant', kind: 'reasoning', content: 'think', tokenCount: 2 });
        if (next() < 0.6) {
          const ids = Array.from(
            { length: 1 + Math.floor(next() * 3) },
            () => `c${session}-${call++}`,
          );
          plan.push({
            role: 'assistant',
            kind: 'tool-call',
            content: 'call',
            toolCallIds: ids,
            tokenCount: 3,
          });
          for (const id of ids) {
            plan.push({
              role: 'tool',
              kind: 'tool-result',
              content: 'res',
              toolResultIds: [id],
              tokenCount: 1 + Math.floor(next() * 4),
              status: next() < 0.1 ? 'error' : 'complete',
            });
          }
        }
        plan.push({
          role: 'assistant',
          content: `a${plan.length}`,
          tokenCount: 1 + Math.floor(next() * 6),
        });
      }
      await store.append({ ...sk, messages: plan.slice(0, 100) });
      const stored = await store.history({ ...sk, last: 1000 });
      const doomed = stored.filter(() => next() < 0.1).map((m) => m.messageId);
      await store.deleteMessages({ ...sk, messageIds: doomed });
      const all = await store.history({ ...sk, last: 1000 });
      const total = all.reduce((sum, m) => sum + m.tokenCount, 0);
      const queries: WindowQuery[] = [];
      for (let last = 1; last <= all.length + 1; last++) {
        for (const align of ['exact', 'tool-pairs', 'turn'] as const) {
          queries.push({ last, align }, { last, align, pinSystem: true });
          if (last % 7 === 0) queries.push({ last, align, statuses: ['complete'] });
        }
      }
      for (let budget = 1; budget <= total + 1; budget += 3) {
        for (const align of ['tool-pairs', 'turn'] as const) {
          queries.push(
            { align, tokenBudget: budget },
            { last: 20, align, tokenBudget: budget, pinSystem: true },
          );
        }
      }
      for (const query of queries) {
        const got = await store.history({ ...sk, ...query });
        expect(
          got.map((m) => m.seq),
          JSON.stringify(query),
        ).toEqual(referenceWindow(all, query));
      }
    }
  });
});
