import { v7 as uuidv7 } from 'uuid';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/index.js';
import { InputValidator } from '../../../src/contract/validation.js';
import { openPostgresDriver } from '../../../src/stores/postgres/postgres-driver.js';
import { migrate } from '../../../src/stores/sql/migrator.js';
import type { SqlDriver } from '../../../src/stores/sql/sql-driver.js';
import { StoreFacade } from '../../../src/facade/store-facade.js';
import { SqlStore } from '../../../src/stores/sql/sql-store.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

/** The hot path is one round trip per operation: count what the store asks of the driver. */
const schema = `${inject('runPrefix')}_rt_${process.pid}`;

afterAll(async () => {
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end({ timeout: 1 });
});

describe.skipIf(!inject('postgresAvailable'))('round trips on PostgreSQL', () => {
  it('makes one round trip per append, history, list, get, update and delete', async () => {
    const real = await openPostgresDriver({ url: TEST_DATABASE_URL, poolSize: 2 });
    await migrate(real, schema);
    let queries = 0;
    const counting: SqlDriver = {
      ...real,
      query: (text, params) => {
        queries++;
        return real.query(text, params);
      },
      queryMany: (text, params) => {
        queries++;
        return real.queryMany(text, params);
      },
    };
    const store = new StoreFacade(
      new SqlStore({
        driver: counting,
        schema,
        ttlSeconds: 3600,
        maxHistory: 3,
        batchAppendsBeyond: 2,
      }),
      new InputValidator(DEFAULT_LIMITS, uuidv7),
    );
    const key = { userId: 'alice', sessionId: 's' };
    const perCall = async (call: () => Promise<unknown>) => {
      const before = queries;
      await call();
      return queries - before;
    };
    const counts = [
      await perCall(() => store.append({ ...key, messages: [{ role: 'user', content: 'new' }] })),
      await perCall(() =>
        store.append({
          ...key,
          messages: ['a', 'b', 'c', 'd'].map((content) => ({ role: 'user' as const, content })),
        }),
      ),
      await perCall(() => store.history({ ...key, last: 50 })),
      await perCall(() => store.history({ ...key, afterSeq: 1, limit: 2 })),
      await perCall(() => store.listSessions({ userId: 'alice' })),
      await perCall(() => store.getSession(key)),
      await perCall(() => store.updateSession({ ...key, title: 't' })),
      await perCall(() => store.deleteSession(key)),
    ];
    expect(counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    await store.close();
  });
});
