import { HumanMessage, AIMessage, mapChatMessagesToStoredMessages } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/index.js';
import { convstoreReader } from '../../src/jobs/migrate-redis/convstore-reader.js';
import { langChainReader } from '../../src/jobs/migrate-redis/langchain-reader.js';
import { migrateRedis } from '../../src/jobs/migrate-redis/migrate-redis.js';
import type { SourceSession } from '../../src/jobs/migrate-redis/types.js';
import {
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  redis,
  redisUrl,
  TEST_DATABASE_URL,
  useRedisDatabase,
} from './support/job-fixtures.js';

useRedisDatabase(15);

/** LangChain's own encoding of a message, as RedisChatMessageHistory LPUSHes it. */
function stored(message: HumanMessage | AIMessage): string {
  return JSON.stringify(mapChatMessagesToStoredMessages([message])[0]);
}

function sessionsOf(outcomes: Awaited<ReturnType<ReturnType<typeof langChainReader>['read']>>) {
  return outcomes.flatMap((outcome): SourceSession[] =>
    outcome.kind === 'session' ? [outcome.session] : [],
  );
}

/**
 * --delete-source deletes a session's source keys only if they still hold what the delete pass
 * read and verified: the compare and the delete are one Lua script. Here a writer adds a message
 * between that read and the delete (the window the review found), deterministically: the test
 * drives the reader's read and delete itself, as the delete pass does, and writes in between.
 */
describe.skipIf(!available())('migrate-redis --delete-source keeps what changed', () => {
  it('LangChain: a message pushed after verification survives and is reported; a re-run moves it', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const [busy, quiet] = [`${prefix}lc:busy`, `${prefix}lc:quiet`];
    for (const key of [busy, quiet]) {
      await redis().lpush(key, stored(new HumanMessage('hello')), stored(new AIMessage('hi')));
    }
    const options = {
      from: redisUrl(),
      to: TEST_DATABASE_URL,
      schema,
      format: 'langchain' as const,
      keyPattern: `${prefix}lc:*`,
      userId: 'alice',
    };
    expect(await migrateRedis({ ...options, verify: true })).toMatchObject({
      sessions: 2,
      verification: { differences: 0 },
    });

    const reader = langChainReader({
      redis: redis(),
      keyPattern: options.keyPattern,
      userId: 'alice',
      agentId: null,
    });
    const read = sessionsOf(await reader.read([busy, quiet]));
    expect(read).toHaveLength(2);
    await redis().lpush(busy, stored(new HumanMessage('written after verification')));

    const outcome = await reader.deleteSessions(read);
    expect(outcome).toEqual({ deletedKeys: 1, changedKeys: [busy] });
    expect(await redis().exists(quiet)).toBe(0);
    expect(await redis().llen(busy)).toBe(3);

    // The next run migrates the late message, verifies, and only then deletes the source.
    const again = await migrateRedis({ ...options, verify: true, deleteSource: true });
    expect(again).toMatchObject({
      sessions: 1,
      messagesInserted: 1,
      deletedKeys: 1,
      changedBeforeDelete: [],
      changedBeforeDeleteCount: 0,
    });
    expect(await redis().exists(busy)).toBe(0);
    const sql = await createStore({ url: TEST_DATABASE_URL, schema, migrate: false });
    onCleanup(() => sql.close());
    const history = await sql.history({ userId: 'alice', sessionId: 'busy' });
    expect(history.map((message) => message.content)).toEqual([
      'hello',
      'hi',
      'written after verification',
    ]);
  });

  it('convstore layout: an append after verification keeps the whole session in the source', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const source = await createStore({ url: redisUrl(), keyPrefix: prefix });
    onCleanup(() => source.close());
    for (const sessionId of ['busy', 'quiet']) {
      await source.append({
        userId: 'bob',
        sessionId,
        messages: [
          { role: 'user', content: 'question' },
          { role: 'assistant', content: 'answer' },
        ],
      });
    }
    const options = {
      from: redisUrl(),
      to: TEST_DATABASE_URL,
      schema,
      format: 'convstore' as const,
      prefix,
    };
    expect(await migrateRedis({ ...options, verify: true })).toMatchObject({
      sessions: 2,
      verification: { differences: 0 },
    });

    const reader = convstoreReader({ redis: redis(), prefix });
    const [busyMeta, quietMeta] = [`${prefix}{bob}:meta:busy`, `${prefix}{bob}:meta:quiet`];
    const read = sessionsOf(await reader.read([busyMeta, quietMeta]));
    expect(read).toHaveLength(2);
    await source.append({
      userId: 'bob',
      sessionId: 'busy',
      messages: [{ role: 'user', content: 'written after verification' }],
    });

    // The quiet session's meta, log, messageId hash and window index (its running token sums and
    // user messages; redis/keys.ts, layout.ts).
    expect(await reader.deleteSessions(read)).toEqual({ deletedKeys: 5, changedKeys: [busyMeta] });
    expect(await source.getSession({ userId: 'bob', sessionId: 'quiet' })).toBeNull();
    const kept = await source.history({ userId: 'bob', sessionId: 'busy' });
    expect(kept.map((message) => message.content)).toEqual([
      'question',
      'answer',
      'written after verification',
    ]);
    const listed = await source.listSessions({ userId: 'bob' });
    expect(listed.sessions.map((session) => session.sessionId)).toEqual(['busy']);
  });
});
