import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import type { NewMessage } from '../../../src/index.js';
import { TEST_REDIS_URL } from '../../support/servers.js';
import { sqlSubjects, type SqlKind, type SqlSubject } from './support/sql-subjects.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

/**
 * Tool call rows belong to their session (migration 0012), so every statement that removes
 * messages and keeps the session removes their calls itself: a trim, a pop, a truncate, a
 * delete by id, a transaction's suffix replacement, clearing the session and resetting one that
 * expired. Checked on PostgreSQL and PGlite against the messages left: each stored call row names
 * a kept message that opens that call, and each kept message's calls all have their row.
 */
const { open } = sqlSubjects('toolrows');

/** An assistant message opening two calls, or the tool message answering the first. */
function turn(n: number): NewMessage[] {
  return [
    { messageId: `call-${n}`, role: 'assistant', content: '', toolCallIds: [`a${n}`, `b${n}`] },
    { messageId: `result-${n}`, role: 'tool', content: 'ok', toolResultIds: [`a${n}`] },
  ];
}

/** Stored call rows against the calls the kept messages open, for one session. */
async function callRows(subject: SqlSubject, sessionId: string) {
  const s = `"${subject.schema}"`;
  const rows = await subject.query<{ seq: string; call_id: string }>(
    `SELECT seq, call_id FROM ${s}.tool_calls
      WHERE user_id = 'u' AND session_id = '${sessionId}' ORDER BY seq, call_id`,
  );
  const opened = await subject.query<{ seq: string; call_id: string }>(
    `SELECT seq, c AS call_id FROM ${s}.messages, unnest(tool_call_ids) AS c
      WHERE user_id = 'u' AND session_id = '${sessionId}' ORDER BY seq, c`,
  );
  const pairs = (list: Array<{ seq: string; call_id: string }>) =>
    list.map((row) => `${row.seq}:${row.call_id}`);
  return { stored: pairs(rows), opened: pairs(opened) };
}

describe.each<SqlKind>(['postgres', 'pglite'])(
  'tool call rows follow their messages [%s]',
  (kind) => {
    it.skipIf(kind === 'postgres' && !inject('postgresAvailable'))(
      'after trims, pops, truncates, deletes by id, suffix replacements, clears and resets',
      async () => {
        const subject = await open(kind, { maxHistory: 6 });
        const { store } = subject;
        const key = { userId: 'u', sessionId: 's' };
        const expectInStep = async (calls: number) => {
          const { stored, opened } = await callRows(subject, 's');
          expect(stored).toEqual(opened);
          expect(stored).toHaveLength(calls);
        };
        try {
          // Five turns into a history of six: the oldest four messages are trimmed.
          for (let n = 1; n <= 5; n++) await store.append({ ...key, messages: turn(n) });
          await expectInStep(3 * 2);

          expect(await store.popMessage(key)).toMatchObject({ messageId: 'result-5' });
          expect(await store.popMessage(key)).toMatchObject({ messageId: 'call-5' });
          await expectInStep(2 * 2);

          await store.append({ ...key, messages: turn(6) });
          await store.truncate({ ...key, afterMessageId: 'call-6', inclusive: true });
          await expectInStep(2 * 2);

          await store.deleteMessages({ ...key, messageIds: ['call-3'] });
          await expectInStep(1 * 2);

          await store.transact({
            ...key,
            operationId: 'op-1',
            replaceSuffix: { expected: ['call-4', 'result-4'], replacement: turn(7) },
          });
          const { stored } = await callRows(subject, 's');
          expect(stored.some((row) => row.endsWith(':a4'))).toBe(false);
          await expectInStep(1 * 2);

          await store.clearMessages(key);
          await expectInStep(0);

          // An expired session that cleanup has not reclaimed: the next append starts it again.
          await store.append({ userId: 'u', sessionId: 'old', messages: turn(1) });
          await subject.query(
            `UPDATE "${subject.schema}".sessions SET expires_at = now() - interval '1 second'
            WHERE user_id = 'u' AND session_id = 'old'`,
          );
          await store.append({ userId: 'u', sessionId: 'old', messages: turn(2) });
          const reset = await callRows(subject, 'old');
          expect(reset.stored).toEqual(['1:a2', '1:b2']);
          expect(reset.stored).toEqual(reset.opened);

          // A deleted session takes its calls with it (the foreign key's cascade).
          await store.deleteSession({ userId: 'u', sessionId: 'old' });
          expect((await callRows(subject, 'old')).stored).toEqual([]);
        } finally {
          await store.close();
        }
      },
    );
  },
);

describe.skipIf(!inject('postgresAvailable') || !inject('redisAvailable'))(
  'tool call rows follow their messages [hybrid write-behind]',
  () => {
    it("a flush's trim removes the calls of the messages it trims", async () => {
      const keyPrefix = `${inject('runPrefix')}_toolrows_${process.pid}:`;
      const subject = await open('postgres', {
        maxHistory: 6,
        cache: { url: TEST_REDIS_URL, keyPrefix, writeMode: 'write-behind', flusher: false },
      });
      const { store } = subject;
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const key = { userId: 'u', sessionId: 's' };
        for (let n = 1; n <= 5; n++) {
          await store.append({ ...key, messages: turn(n) });
          await store.capabilities.flush!();
        }
        const { stored, opened } = await callRows(subject, 's');
        expect(opened).toHaveLength(3 * 2);
        expect(stored).toEqual(opened);
      } finally {
        await store.close();
        await deleteKeysWithPrefix(redis, keyPrefix);
        redis.disconnect();
      }
    });
  },
);
