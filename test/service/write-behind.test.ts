import { describe, expect, inject, it } from 'vitest';
import { countRows, startTestService } from './support/service-under-test.js';

const available = inject('postgresAvailable') && inject('redisAvailable');

describe.skipIf(!available)('CACHE_WRITE_MODE=write-behind [hybrid]', () => {
  it('has every acknowledged message in PostgreSQL once the service has closed', async () => {
    const api = await startTestService('hybrid', { cacheWriteMode: 'write-behind' });
    const key = await api.newUser('alice');
    const acknowledged = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api.request('POST', `/v1/sessions/s${i % 3}/messages`, {
          token: key,
          body: { role: 'user', content: `m${i}`, message_id: `m${i}` },
        }),
      ),
    );
    expect(acknowledged.map((r) => r.status)).toEqual(Array(30).fill(201));
    const history = await api.request('GET', '/v1/sessions/s0/messages', { token: key });
    expect(history.body.messages).toHaveLength(10);

    await api.handle.close();
    expect(await countRows('hybrid', api.schema, 'messages')).toBe(30);
  });
});
