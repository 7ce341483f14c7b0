import { v7 as uuidv7 } from 'uuid';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_LIMITS, type AppendInput } from '../../../src/index.js';
import { InputValidator } from '../../../src/contract/validation.js';
import { StoreFacade } from '../../../src/facade/store-facade.js';
import { openPostgresDriver } from '../../../src/stores/postgres/postgres-driver.js';
import type { AppendRequest } from '../../../src/stores/sql/append-batcher.js';
import { migrate } from '../../../src/stores/sql/migrator.js';
import { QUERIES } from '../../../src/stores/sql/queries.generated.js';
import type { AppendJson } from '../../../src/stores/sql/rows.js';
import { quoteSchema, renderSql } from '../../../src/stores/sql/schema-name.js';
import { SqlStore } from '../../../src/stores/sql/sql-store.js';
import type { ConversationStore as Store } from '../../../src/contract/store.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';
import { sqlSubjects, type SqlKind } from './support/sql-subjects.js';

// append_batch has two paths: set-based for the common batch, append_messages per request for
// every other. These tests call the batch statement itself, count how often append_messages ran
// (track_functions), and hold each path's outcome against the same appends made one by one.
const prefix = `${inject('runPrefix')}_bpath_${process.pid}`;
const batched = `${prefix}_b`;
const alone = `${prefix}_a`;
const TTL = 3600;
const MAX_HISTORY = 6;
const validator = new InputValidator(DEFAULT_LIMITS, uuidv7);

let admin: postgres.Sql;
let stores: { batched: Store; alone: Store };
const closers: Array<() => Promise<void>> = [];

async function openStore(schema: string): Promise<Store> {
  const driver = await openPostgresDriver({ url: TEST_DATABASE_URL, poolSize: 2 });
  await migrate(driver, schema);
  const store = new StoreFacade(
    new SqlStore({
      driver,
      schema,
      ttlSeconds: TTL,
      maxHistory: MAX_HISTORY,
      batchAppendsBeyond: null,
    }),
    validator,
  );
  closers.push(() => store.close());
  return store;
}

beforeAll(async () => {
  if (!inject('postgresAvailable')) return;
  admin = postgres(TEST_DATABASE_URL, { max: 4, onnotice: () => {} });
  stores = { batched: await openStore(batched), alone: await openStore(alone) };
});

afterAll(async () => {
  for (const close of closers) await close();
  if (!admin) return;
  for (const schema of [batched, alone])
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end({ timeout: 1 });
});

function request(input: AppendInput): AppendRequest {
  const resolved = validator.append(input);
  return {
    userId: resolved.userId,
    sessionId: resolved.sessionId,
    agentId: resolved.agentId ?? null,
    messages: resolved.messages,
  };
}

/** The batch statement on `batched`, and how many times it ran append_messages. */
async function runBatch(inputs: AppendInput[]): Promise<{ results: AppendJson[]; exact: number }> {
  const requests = inputs.map(request);
  return admin.begin(async (sql) => {
    await sql.unsafe(`SET LOCAL track_functions = 'pl'`);
    // The view holds the counts not yet flushed to the statistics, which may span earlier
    // transactions of this connection: what this batch ran is the difference.
    const calls = async () => {
      const [row] = await sql<Array<{ n: string }>>`
        SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_xact_user_functions
         WHERE schemaname = ${batched} AND funcname = 'append_messages'`;
      return Number(row!.n);
    };
    const before = await calls();
    const rows = await sql.unsafe<Array<{ result: AppendJson }>>(
      renderSql(QUERIES.appendBatch, quoteSchema(batched)),
      [JSON.stringify(requests), TTL, MAX_HISTORY],
    );
    return { results: rows.map((row) => row.result), exact: (await calls()) - before };
  });
}

/** The same appends one by one on `alone`, in the same order. */
async function runAlone(inputs: AppendInput[]): Promise<void> {
  for (const input of inputs) await stores.alone.append(input);
}

/** Both schemas hold the same sessions and messages (times aside). */
async function expectSame(keys: Array<{ userId: string; sessionId: string }>): Promise<void> {
  for (const key of keys) {
    const [a, b] = await Promise.all([
      stores.batched.history(key).catch((error: Error) => error.name),
      stores.alone.history(key).catch((error: Error) => error.name),
    ]);
    const shape = (history: typeof a) =>
      typeof history === 'string'
        ? history
        : history.map(({ seq, messageId, role, content, toolCallIds }) => ({
            seq,
            messageId,
            role,
            content,
            toolCallIds,
          }));
    expect(shape(a)).toEqual(shape(b));
    const [sa, sb] = await Promise.all([
      stores.batched.getSession(key).catch((error: Error) => error.name),
      stores.alone.getSession(key).catch((error: Error) => error.name),
    ]);
    const session = (s: typeof sa) =>
      s === null || typeof s === 'string'
        ? s
        : { lastSeq: s.lastSeq, messageCount: s.messageCount, agentId: s.agentId };
    expect(session(sa)).toEqual(session(sb));
  }
}

/** The tool calls recorded for the users matching a LIKE pattern. */
function toolCalls(
  schema: string,
  users: string,
): Promise<Array<{ call_id: string; seq: string }>> {
  return admin.unsafe(
    `SELECT call_id, seq::text AS seq FROM "${schema}".tool_calls WHERE user_id LIKE $1 ORDER BY 1`,
    [users],
  );
}

async function seed(inputs: AppendInput[]): Promise<void> {
  for (const input of inputs)
    await Promise.all([stores.batched.append(input), stores.alone.append(input)]);
}

const say = (
  userId: string,
  sessionId: string,
  content: string,
  messageId?: string,
): AppendInput => ({
  userId,
  sessionId,
  // Ids given, so both schemas hold the same ones.
  messages: [
    { role: 'user', content, messageId: messageId ?? `${sessionId}:${content.replace(/ /g, '_')}` },
  ],
});

describe.skipIf(!inject('postgresAvailable'))(
  'append_batch: the set-based path and its fall back',
  () => {
    it('appends a batch of live sessions set-based, answering as one by one would', async () => {
      const keys = [1, 2, 3].map((i) => ({ userId: `fast${i % 2}`, sessionId: `f${i}` }));
      await seed(keys.map((k) => say(k.userId, k.sessionId, 'first')));
      const inputs: AppendInput[] = keys.map((k, i) => ({
        ...k,
        agentId: i === 0 ? 'fresh-agent' : undefined,
        messages: [
          { role: 'user', content: `q ${k.sessionId}`, messageId: `${k.sessionId}-q` },
          // The assistant opens a tool call, so the batch records which message opened it.
          {
            role: 'assistant',
            content: `a ${k.sessionId}`,
            messageId: `${k.sessionId}-a`,
            toolCallIds: [`${k.sessionId}-call`],
          },
        ],
      }));
      const { results, exact } = await runBatch(inputs);
      await runAlone(inputs);

      expect(exact).toBe(0);
      expect(results.map((r) => Number(r.inserted))).toEqual([2, 2, 2]);
      expect(results.map((r) => r.messages.map((m) => ('seq' in m ? m.seq : null)))).toEqual([
        [2, 3],
        [2, 3],
        [2, 3],
      ]);
      expect(results.map((r) => [r.session.last_seq, r.session.message_count])).toEqual([
        [3, 3],
        [3, 3],
        [3, 3],
      ]);
      expect(results[0]!.session.agent_id).toBe('fresh-agent');
      await expectSame(keys);
      expect(await toolCalls(batched, 'fast%')).toEqual(await toolCalls(alone, 'fast%'));
      expect((await toolCalls(batched, 'fast%')).map((row) => row.seq)).toEqual(['3', '3', '3']);
    });

    const fallBacks: Array<[string, (tag: string) => Promise<AppendInput[]>]> = [
      ['a session that does not exist yet', async (tag) => [say('fb', `${tag}-new`, 'hello')]],
      [
        'a session that has expired',
        async (tag) => {
          await seed([say('fb', `${tag}-old`, 'before')]);
          for (const schema of [batched, alone])
            await admin.unsafe(
              `UPDATE "${schema}".sessions SET expires_at = now() - interval '1 second'
              WHERE user_id = 'fb' AND session_id = $1`,
              [`${tag}-old`],
            );
          return [say('fb', `${tag}-old`, 'after')];
        },
      ],
      [
        'a retried messageId',
        async (tag) => {
          await seed([say('fb', `${tag}-retry`, 'once', `${tag}-m1`)]);
          return [
            {
              userId: 'fb',
              sessionId: `${tag}-retry`,
              messages: [
                { role: 'user', content: 'once', messageId: `${tag}-m1` },
                { role: 'user', content: 'twice', messageId: `${tag}-m2` },
              ],
            },
          ];
        },
      ],
    ];

    it.each(fallBacks)('runs the exact path for the whole batch with %s', async (_, make) => {
      const tag = `t${Math.random().toString(36).slice(2, 8)}`;
      const live = [1, 2].map((i) => ({ userId: 'fb', sessionId: `${tag}-live${i}` }));
      await seed(live.map((k) => say(k.userId, k.sessionId, 'first')));
      const odd = await make(tag);
      // The odd request in the middle of the batch, so the fast path has locked and inserted
      // for a session before it finds what it cannot do.
      const inputs = [
        say('fb', live[0]!.sessionId, 'live one'),
        ...odd,
        say('fb', live[1]!.sessionId, 'live two'),
      ];
      const { results, exact } = await runBatch(inputs);
      await runAlone(inputs);

      expect(exact).toBe(inputs.length);
      expect(results).toHaveLength(inputs.length);
      await expectSame([...live, ...odd.map(({ userId, sessionId }) => ({ userId, sessionId }))]);
    });

    it('trims set-based, with the tool calls of what it removes, new messages included', async () => {
      const tag = `t${Math.random().toString(36).slice(2, 8)}`;
      const full = { userId: 'trim', sessionId: `${tag}-full` };
      const long = { userId: 'trim', sessionId: `${tag}-long` };
      // A full window whose oldest message opens a tool call, and a session given more messages
      // in one append than it keeps.
      await seed([
        {
          ...full,
          messages: [
            {
              role: 'assistant',
              content: 'calling',
              messageId: `${tag}-c`,
              toolCallIds: [`${tag}-call`],
            },
          ],
        },
        ...Array.from({ length: MAX_HISTORY - 1 }, (_, i) =>
          say(full.userId, full.sessionId, `m${i}`),
        ),
        say(long.userId, long.sessionId, 'first'),
      ]);
      const inputs: AppendInput[] = [
        {
          ...full,
          messages: [0, 1].map((i) => ({
            role: 'user' as const,
            content: `n${i}`,
            messageId: `${tag}-n${i}`,
          })),
        },
        {
          ...long,
          messages: Array.from({ length: MAX_HISTORY + 2 }, (_, i) => ({
            role: 'user' as const,
            content: `l${i}`,
            messageId: `${tag}-l${i}`,
            ...(i === 0 || i === 5 ? { toolCallIds: [`${tag}-l${i}-call`] } : {}),
          })),
        },
      ];
      const { results, exact } = await runBatch(inputs);
      await runAlone(inputs);

      expect(exact).toBe(0);
      expect(results.map((r) => [r.session.last_seq, r.session.message_count])).toEqual([
        [MAX_HISTORY + 2, MAX_HISTORY],
        [MAX_HISTORY + 3, MAX_HISTORY],
      ]);
      await expectSame([full, long]);
      expect(await toolCalls(batched, 'trim')).toEqual(await toolCalls(alone, 'trim'));
      // The seeded call went with the oldest message, l0's with l0 in the same append; l5 stays.
      expect(await toolCalls(batched, 'trim')).toEqual([{ call_id: `${tag}-l5-call`, seq: '7' }]);
    });

    it('never deadlocks when concurrent batches name the same sessions in other orders', async () => {
      const keys = Array.from({ length: 8 }, (_, i) => ({
        userId: `dl${i % 3}`,
        sessionId: `d${i}`,
      }));
      await seed(keys.map((k) => say(k.userId, k.sessionId, 'first')));
      // Five rounds fill each session to MAX_HISTORY exactly: no trim, so every batch is set-based.
      const rounds = MAX_HISTORY - 1;
      const batches = Array.from({ length: rounds }, (_, round) => {
        const order = round % 2 === 0 ? keys : [...keys].reverse();
        return order.map((k) => say(k.userId, k.sessionId, `r${round}`));
      });
      const outcomes = await Promise.all(batches.map((batch) => runBatch(batch)));
      expect(outcomes.every((o) => o.exact === 0)).toBe(true);
      for (const key of keys) {
        const session = await stores.batched.getSession(key);
        expect(session?.lastSeq).toBe(1 + rounds);
        const history = await stores.batched.history(key);
        expect(history.map((m) => m.seq)).toEqual(
          Array.from({ length: 1 + rounds }, (_, i) => 1 + i),
        );
      }
    });
  },
);

const { open } = sqlSubjects('bpathstore');

describe.each<SqlKind>(['postgres', 'pglite'])('appends batched through the store [%s]', (kind) => {
  it.skipIf(kind === 'postgres' && !inject('postgresAvailable'))(
    'keeps every full session exact, with its tool calls, under concurrent appends',
    async () => {
      // One connection (PGlite has one anyway): every append beyond the first in flight queues
      // and goes in a batch.
      const { store, schema, query } = await open(kind, { maxHistory: 4, poolSize: 1 });
      const sessions = Array.from({ length: 12 }, (_, i) => ({
        userId: `c${i % 3}`,
        sessionId: `k${i}`,
      }));
      try {
        const rounds = 6;
        for (let round = 0; round < rounds; round++) {
          await Promise.all(
            sessions.map((key) =>
              store.append({
                ...key,
                messages: [
                  {
                    role: 'assistant',
                    content: `r${round}`,
                    messageId: `${key.sessionId}-r${round}`,
                    toolCallIds: [`${key.sessionId}-call${round}`],
                  },
                ],
              }),
            ),
          );
        }
        for (const key of sessions) {
          const history = await store.history(key);
          expect(history.map((m) => m.messageId)).toEqual(
            [2, 3, 4, 5].map((r) => `${key.sessionId}-r${r}`),
          );
          expect(history.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
          expect(await store.getSession(key)).toMatchObject({ lastSeq: rounds, messageCount: 4 });
        }
        const calls = await query<{ n: string }>(
          `SELECT count(*)::text AS n FROM "${schema}".tool_calls t
             JOIN "${schema}".messages m USING (user_id, session_id, seq)
            WHERE t.call_id = ANY (m.tool_call_ids)`,
        );
        const all = await query<{ n: string }>(
          `SELECT count(*)::text AS n FROM "${schema}".tool_calls`,
        );
        expect(all[0]!.n).toBe(String(sessions.length * 4));
        expect(calls[0]!.n).toBe(all[0]!.n);
      } finally {
        await store.close();
      }
    },
  );
});
