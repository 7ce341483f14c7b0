import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createStore, UnavailableError } from '../../../src/index.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

const schema = `${inject('runPrefix')}_timeouts_${process.pid}`;
const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });

afterAll(async () => {
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end({ timeout: 1 });
});

describe.skipIf(!inject('postgresAvailable'))('waiting on PostgreSQL is bounded', () => {
  it('turns a lock held too long into UnavailableError and writes nothing', async () => {
    const store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      lockTimeoutMs: 200,
    });
    const key = { userId: 'alice', sessionId: 's' };
    await store.append({ ...key, messages: [{ role: 'user', content: 'before' }] });
    const holder = await admin.reserve();
    try {
      await holder.unsafe('BEGIN');
      await holder.unsafe(`LOCK TABLE "${schema}".sessions IN ACCESS EXCLUSIVE MODE`);
      const blocked = store.append({ ...key, messages: [{ role: 'user', content: 'blocked' }] });
      await expect(blocked).rejects.toBeInstanceOf(UnavailableError);
      await expect(blocked).rejects.toThrow(/did not answer in time/);
    } finally {
      await holder.unsafe('ROLLBACK');
      holder.release();
    }
    expect((await store.history(key)).map((m) => m.content)).toEqual(['before']);
    await store.close();
  });
});
