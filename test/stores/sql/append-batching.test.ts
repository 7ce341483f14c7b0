import { v7 as uuidv7 } from 'uuid';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_LIMITS, type AppendResult } from '../../../src/index.js';
import { InputValidator } from '../../../src/contract/validation.js';
import { openPostgresDriver } from '../../../src/stores/postgres/postgres-driver.js';
import { migrate } from '../../../src/stores/sql/migrator.js';
import type { SqlDriver } from '../../../src/stores/sql/sql-driver.js';
import { StoreFacade } from '../../../src/facade/store-facade.js';
import { SqlStore } from '../../../src/stores/sql/sql-store.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

const schema = `${inject('runPrefix')}_batch_${process.pid}`;

afterAll(async () => {
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end({ timeout: 1 });
});

describe.skipIf(!inject('postgresAvailable'))('appends batched under concurrency', () => {
  it('sends queued appends as one statement and keeps every session exact', async () => {
    const real = await openPostgresDriver({ url: TEST_DATABASE_URL, poolSize: 2 });
    await migrate(real, schema);
    const ran = { single: 0, batch: 0, locked: 0 };
    const counting: SqlDriver = {
      ...real,
      query: (text, params) => {
        if (text.includes('append-batch:')) ran.batch++;
        else if (text.includes('append-locked:')) ran.locked++;
        else if (text.includes('-- append:')) ran.single++;
        return real.query(text, params);
      },
    };
    const store = new StoreFacade(
      new SqlStore({
        driver: counting,
        schema,
        ttlSeconds: 3600,
        maxHistory: 5,
        batchAppendsBeyond: 2,
      }),
      new InputValidator(DEFAULT_LIMITS, uuidv7),
    );

    const sessions = Array.from({ length: 30 }, (_, i) => `s${i}`);
    const calls: Array<Promise<AppendResult>> = [];
    for (let round = 0; round < 4; round++) {
      for (const sessionId of sessions) {
        calls.push(
          store.append({
            userId: `u${sessionId.length % 3}`,
            sessionId,
            agentId: round === 0 ? 'helper' : undefined,
            messages: [
              {
                role: 'user',
                content: `${sessionId} r${round}`,
                messageId: `${sessionId}-${round}`,
              },
              // Every other session gets a retry of its previous round's id in the same call.
              ...(round > 0 && sessionId.endsWith('0')
                ? [
                    {
                      role: 'user' as const,
                      content: `${sessionId} r${round - 1}`,
                      messageId: `${sessionId}-${round - 1}`,
                    },
                  ]
                : []),
            ],
          }),
        );
      }
    }
    const results = await Promise.all(calls);

    expect(ran.batch).toBeGreaterThan(0);
    expect(ran.single + ran.batch + ran.locked).toBeLessThan(calls.length);
    for (const sessionId of sessions) {
      const userId = `u${sessionId.length % 3}`;
      const history = await store.history({ userId, sessionId });
      expect(history.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
      expect(history.map((m) => m.messageId)).toEqual([0, 1, 2, 3].map((r) => `${sessionId}-${r}`));
      const session = await store.getSession({ userId, sessionId });
      expect(session).toMatchObject({ lastSeq: 4, messageCount: 4, agentId: 'helper' });
      for (const result of results.filter((r) => r.session.sessionId === sessionId)) {
        for (const message of result.messages) expect(history[message.seq - 1]).toEqual(message);
      }
    }
    await store.close();
  });

  it('trims past maxHistory inside a batch exactly as alone', async () => {
    const real = await openPostgresDriver({ url: TEST_DATABASE_URL, poolSize: 1 });
    await migrate(real, schema);
    const store = new StoreFacade(
      new SqlStore({
        driver: real,
        schema,
        ttlSeconds: null,
        maxHistory: 3,
        batchAppendsBeyond: 1,
      }),
      new InputValidator(DEFAULT_LIMITS, uuidv7),
    );
    const sessions = Array.from({ length: 10 }, (_, i) => `t${i}`);
    await Promise.all(
      Array.from({ length: 6 }, (_, round) =>
        sessions.map((sessionId) =>
          store.append({
            userId: 'trim',
            sessionId,
            messages: [{ role: 'user', content: `r${round}` }],
          }),
        ),
      ).flat(),
    );
    for (const sessionId of sessions) {
      const history = await store.history({ userId: 'trim', sessionId });
      expect(history.map((m) => m.seq)).toEqual([4, 5, 6]);
      expect(await store.getSession({ userId: 'trim', sessionId })).toMatchObject({
        lastSeq: 6,
        messageCount: 3,
      });
    }
    await store.close();
  });
});
