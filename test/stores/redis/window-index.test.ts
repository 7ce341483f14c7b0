import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createStore,
  type ConversationStore,
  type Message,
  type NewMessage,
} from '../../../src/index.js';
import type { MemberTuple } from '../../../src/stores/redis/layout.js';
import { startOwnRedis, type OwnRedis } from '../../support/servers.js';
import { referenceWindow, type WindowQuery } from '../../support/window-reference.js';

const available = inject('redisAvailable');

/**
 * The redis store's window index (fragments/window-index.lua): after every kind of write it is
 * exactly what the log, the call links and the results say, and the windows cut from it are the
 * brute-force reference's; a session from before it gets it from the first script touching it.
 */
describe.skipIf(!available)('redis store: window index', () => {
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

  async function open(maxHistory?: number): Promise<[ConversationStore, string]> {
    const keyPrefix = `wi${++prefixes}:`;
    const store = await createStore({
      url: server.url,
      keyPrefix,
      ttlSeconds: 600,
      ...(maxHistory ? { maxHistory } : {}),
    });
    stores.push(store);
    return [store, keyPrefix];
  }

  const key = { userId: 'alice', sessionId: 'chat' };
  const keyOf = (prefix: string, word: string) => `${prefix}{alice}:${word}:chat`;

  /** The index as the scripts keep it; running sums relative to the oldest message's. */
  async function storedIndex(prefix: string) {
    const sums = await admin.zrange(keyOf(prefix, 'tokens'), '0', '-1', 'WITHSCORES');
    const bySeq: Array<[number, number]> = [];
    for (let i = 0; i < sums.length; i += 2) bySeq.push([Number(sums[i]), Number(sums[i + 1])]);
    bySeq.sort((a, b) => a[0] - b[0]);
    const zset = async (word: string) => {
      const flat = await admin.zrange(keyOf(prefix, word), '0', '-1', 'WITHSCORES');
      const out: string[] = [];
      for (let i = 0; i < flat.length; i += 2) out.push(`${flat[i]}@${flat[i + 1]}`);
      return out.sort();
    };
    return {
      sums: relative(bySeq),
      users: await zset('users'),
      odd: await zset('odd'),
      pairs: await zset('pairs'),
      paired: await zset('paired'),
      orphans: await zset('orphans'),
    };
  }

  /** The index by its definition, from the raw log and call links. */
  async function expectedIndex(prefix: string) {
    const members = (await admin.zrange(keyOf(prefix, 'log'), '0', '-1')).map(
      (m) => JSON.parse(m) as MemberTuple,
    );
    const links = await admin.hgetall(keyOf(prefix, 'calls'));
    let sum = 0;
    const sums: Array<[number, number]> = [];
    const users: string[] = [];
    const odd: string[] = [];
    const pairs: string[] = [];
    const paired: string[] = [];
    const orphans: string[] = [];
    for (const [seq, , , , , status, leaseUntil, , , , role, , tokens, calls, results] of members) {
      sums.push([seq, (sum += tokens)]);
      if (role === 'user') users.push(`${seq}@${seq}`);
      if (status !== 'complete') {
        const flags = `${calls.length ? 'c' : '-'}${results.length ? 'r' : '-'}`;
        odd.push(`${seq}:${status}:${leaseUntil}:${tokens}:${flags}@${seq}`);
      }
      let orphan = false;
      for (const id of results) {
        const call = links[id] === undefined ? null : Number(links[id]);
        if (call !== null && call <= seq) {
          pairs.push(`${seq}:${id}@${call}`);
          paired.push(`${seq}:${id}@${seq}`);
        } else orphan = true;
      }
      if (orphan) orphans.push(`${seq}@${seq}`);
    }
    return {
      sums: relative(sums),
      users: users.sort(),
      odd: odd.sort(),
      pairs: pairs.sort(),
      paired: paired.sort(),
      orphans: orphans.sort(),
    };
  }

  function relative(sums: Array<[number, number]>): Array<[number, number]> {
    if (sums.length === 0) return [];
    const origin = sums[0]![1];
    return sums.map(([seq, sum]) => [seq, sum - origin]);
  }

  async function expectExact(store: ConversationStore, prefix: string, step: string) {
    expect(await storedIndex(prefix), step).toEqual(await expectedIndex(prefix));
    const all = await store.history({ ...key, last: 1000 });
    const total = all.reduce((sum, m) => sum + m.tokenCount, 0);
    const queries: WindowQuery[] = [
      { last: 5, align: 'tool-pairs' },
      { last: 9, align: 'turn', pinSystem: true },
      { last: 7, statuses: ['complete'] },
      { last: 6, align: 'turn', statuses: ['complete', 'streaming'] },
      { tokenBudget: Math.max(1, Math.ceil(total / 2)), align: 'tool-pairs' },
      {
        tokenBudget: Math.max(1, Math.ceil(total / 3)),
        align: 'turn',
        pinSystem: true,
        statuses: ['complete'],
      },
    ];
    for (const query of queries) {
      const got = (await store.history({ ...key, ...query })).map((m: Message) => m.seq);
      expect(got, `${step} ${JSON.stringify(query)}`).toEqual(referenceWindow(all, query));
    }
  }

  const user = (content: string, tokenCount = 3): NewMessage => ({
    role: 'user',
    content,
    tokenCount,
  });
  const call = (ids: string[], tokenCount = 4): NewMessage => ({
    role: 'assistant',
    kind: 'tool-call',
    content: '',
    toolCallIds: ids,
    tokenCount,
  });
  const result = (id: string, tokenCount = 6): NewMessage => ({
    role: 'tool',
    kind: 'tool-result',
    content: `r ${id}`,
    toolResultIds: [id],
    tokenCount,
  });

  it('stays exact through appends, updates, drafts, pops, truncates, deletes and transactions', async () => {
    const [store, prefix] = await open();
    await store.append({
      ...key,
      messages: [
        { role: 'system', content: 'be brief', tokenCount: 2 },
        user('weather?', 5),
        { role: 'assistant', kind: 'reasoning', content: '', data: '{"r":1}', tokenCount: 7 },
        call(['c1', 'c2']),
        result('c2'),
        result('c1', 9),
        { role: 'assistant', content: 'sunny', tokenCount: 4, status: 'error' },
        // Answered before its call exists: an orphan until the call comes.
        result('late', 2),
        user('again', 1),
      ],
    });
    await expectExact(store, prefix, 'append');
    await store.append({ ...key, messages: [call(['late']), result('late', 3)] });
    await expectExact(store, prefix, 'a call for an earlier result');
    const all = await store.history({ ...key, last: 1000 });
    const id = (seq: number) => all.find((m) => m.seq === seq)!.messageId;
    await store.updateMessage({ ...key, messageId: id(2), tokenCount: 40 });
    await expectExact(store, prefix, 'tokens changed in the middle');
    await store.updateMessage({ ...key, messageId: id(7), status: 'complete', tokenCount: 1 });
    await store.updateMessage({ ...key, messageId: id(6), status: 'aborted' });
    await expectExact(store, prefix, 'statuses changed');
    await store.updateMessage({ ...key, messageId: id(4), toolCallIds: ['c1'] });
    await expectExact(store, prefix, 'a call id taken off its call');
    await store.updateMessage({ ...key, messageId: id(5), toolResultIds: ['c1'] });
    await expectExact(store, prefix, 'a result answering another call');
    const draft = await store.beginMessage({ ...key, messageId: 'draft', toolCallIds: ['d1'] });
    await expectExact(store, prefix, 'draft begun');
    await store.checkpointMessage({
      ...key,
      messageId: 'draft',
      lease: draft.lease,
      content: 'half',
      tokenCount: 11,
    });
    await expectExact(store, prefix, 'draft checkpointed');
    await store.append({ ...key, messages: [result('d1', 5), user('meanwhile', 2)] });
    await store.finalizeMessage({
      ...key,
      messageId: 'draft',
      lease: draft.lease,
      status: 'complete',
      tokenCount: 20,
    });
    await expectExact(store, prefix, 'draft finalized in the middle');
    await store.deleteMessages({ ...key, messageIds: [id(4), id(9)] });
    await expectExact(store, prefix, 'a call and a user message deleted');
    expect(await store.popMessage(key)).not.toBeNull();
    await expectExact(store, prefix, 'popped');
    await store.transact({
      ...key,
      operationId: 'op1',
      append: [user('from a transaction', 4), call(['t1']), result('t1')],
    });
    const now = await store.history({ ...key, last: 2 });
    await store.transact({
      ...key,
      operationId: 'op2',
      replaceSuffix: {
        expected: now.map((m) => m.messageId),
        replacement: [result('t1', 8), { role: 'assistant', content: 'done', tokenCount: 3 }],
      },
    });
    await expectExact(store, prefix, 'suffix replaced');
    await store.truncate({ ...key, afterSeq: 3 });
    await expectExact(store, prefix, 'truncated');
    await store.clearMessages(key);
    await expectExact(store, prefix, 'cleared');
    await store.append({ ...key, messages: [user('after clearing'), call(['n1']), result('n1')] });
    await expectExact(store, prefix, 'appended after clearing');
  });

  it('stays exact when trimming drops the oldest messages and their calls', async () => {
    const [store, prefix] = await open(6);
    for (let turn = 0; turn < 6; turn++) {
      await store.append({
        ...key,
        messages: [
          user(`q${turn}`, turn + 1),
          call([`k${turn}`]),
          result(`k${turn}`, 2 * turn + 1),
        ],
      });
      await expectExact(store, prefix, `turn ${turn}`);
    }
    // A result whose call was trimmed is an orphan, and windows leave it out.
    await store.append({ ...key, messages: [call(['long']), user('wait')] });
    await store.append({
      ...key,
      messages: [user('x'), user('y'), user('z'), user('v'), user('w'), result('long', 4)],
    });
    await expectExact(store, prefix, 'call trimmed before its result');
    expect(await admin.zcard(keyOf(prefix, 'orphans'))).toBe(1);
  });

  it('stays exact through imports in and out of order', async () => {
    const [source] = await open();
    const [target, prefix] = await open();
    await source.append({
      ...key,
      messages: [user('a'), call(['i1']), result('i1'), user('b', 7), result('i2', 4)],
    });
    const session = (await source.getSession(key))!;
    const messages = await source.history({ ...key, last: 100 });
    const portability = target.capabilities.portability!;
    // The newest first, then the older ones: the index is rebuilt once they come out of order.
    await portability.importSession({ session, messages: messages.slice(3) });
    await expectExact(target, prefix, 'imported the newest');
    await portability.importSession({ session, messages: messages.slice(0, 3) });
    await expectExact(target, prefix, 'imported the oldest after');
  });

  /** The commands a script sends from Lua while `call` runs, seen with MONITOR. */
  async function scriptCommands(call: () => Promise<unknown>): Promise<string[][]> {
    const monitor = await admin.monitor();
    const seen: string[][] = [];
    let done = false;
    const marker = `marker-${Math.random()}`;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args[0]?.toLowerCase() === 'echo' && args[1] === marker) done = true;
      else if (!done && source === 'lua') seen.push(args);
    });
    try {
      await call();
      await admin.echo(marker);
      await expect.poll(() => done).toBe(true);
      return seen;
    } finally {
      monitor.disconnect();
    }
  }

  it('cuts windows from the index, reading the log only around the cut and for the window', async () => {
    const [store, prefix] = await open();
    const messages: NewMessage[] = [{ role: 'system', content: 'rules', tokenCount: 5 }];
    for (let turn = 0; messages.length < 300; turn++) {
      messages.push(user(`q${turn}`, 4), call([`t${turn}`]), result(`t${turn}`, 7), {
        role: 'assistant',
        content: `a${turn}`,
        tokenCount: 5,
        status: turn % 9 === 0 ? 'error' : 'complete',
      });
    }
    for (let i = 0; i < messages.length; i += 100) {
      await store.append({ ...key, messages: messages.slice(i, i + 100) });
    }
    const all = await store.history({ ...key, last: 1000 });
    const log = keyOf(prefix, 'log');
    const queries: WindowQuery[] = [
      { tokenBudget: 200, align: 'turn', pinSystem: true, statuses: ['complete'] },
      { last: 50, align: 'tool-pairs' },
      { last: 50, statuses: ['complete'] },
    ];
    for (const query of queries) {
      const commands = await scriptCommands(() => store.history({ ...key, ...query }));
      const got = (await store.history({ ...key, ...query })).map((m) => m.seq);
      expect(got).toEqual(referenceWindow(all, query));
      // The walk reads the log in chunks of up to 256 heads and never the index.
      const indexed = commands.filter(
        ([, k = '']) => k.includes(':tokens:') || k.includes(':pairs:'),
      );
      if (query.tokenBudget !== undefined || query.align !== undefined) {
        expect(indexed.length, JSON.stringify(query)).toBeGreaterThan(0);
      }
      const reads = commands.filter(([c, k]) => c!.toLowerCase() === 'zrange' && k === log);
      for (const read of reads) {
        const limit = read.indexOf('LIMIT');
        if (limit >= 0) expect(Number(read[limit + 2])).toBeLessThanOrEqual(2);
        else if (read[3] !== '-1') expect(Number(read[3]) - Number(read[2])).toBeLessThan(8);
      }
      expect(reads.length, JSON.stringify(query)).toBeLessThanOrEqual(8);
    }
  });

  it('is built by the first script that touches a session from before it', async () => {
    const [store, prefix] = await open();
    await store.append({
      ...key,
      messages: [
        user('one', 2),
        call(['c1']),
        result('c1', 5),
        { role: 'assistant', content: 'x', status: 'error', tokenCount: 3 },
        user('two', 4),
      ],
    });
    const expected = await expectedIndex(prefix);
    // What an older version left: no index, no version field.
    const words = ['tokens', 'users', 'odd', 'pairs', 'paired', 'orphans'];
    await admin.del(...words.map((word) => keyOf(prefix, word)));
    await admin.hdel(keyOf(prefix, 'meta'), 'w');
    const all = await store.history({ ...key, last: 100 });
    expect(
      (await store.history({ ...key, tokenBudget: 9, align: 'turn' })).map((m) => m.seq),
    ).toEqual(referenceWindow(all, { tokenBudget: 9, align: 'turn' }));
    expect(await storedIndex(prefix)).toEqual(expected);
    expect(await admin.hget(keyOf(prefix, 'meta'), 'w')).toBe('1');
    for (const word of ['tokens', 'users', 'odd', 'pairs', 'paired']) {
      expect(await admin.pttl(keyOf(prefix, word)), word).toBeGreaterThan(0);
    }
  });

  it('reads windows by walking the log when an older writer left the index behind', async () => {
    const [store, prefix] = await open();
    await store.append({ ...key, messages: [user('one', 2), call(['c1']), result('c1', 5)] });
    // An older version's append: a message in the log the index does not know.
    const member = JSON.stringify([
      4,
      '00000000',
      1,
      1,
      1,
      'complete',
      0,
      '',
      0,
      'old-4',
      'user',
      'message',
      50,
      [],
      [],
      [0, 0, 0, 0, 0],
      {},
    ]);
    const bodyAt = String(member.indexOf('{') + 1).padStart(8, '0');
    await admin.zadd(keyOf(prefix, 'log'), 4, member.replace('"00000000"', `"${bodyAt}"`));
    const all = await store.history({ ...key, last: 100 });
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    for (const query of [{ tokenBudget: 52 }, { tokenBudget: 7, align: 'turn' as const }]) {
      expect((await store.history({ ...key, ...query })).map((m) => m.seq)).toEqual(
        referenceWindow(all, query),
      );
    }
  });
});
