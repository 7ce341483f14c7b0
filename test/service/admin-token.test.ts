import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { loadServiceConfig } from '../../src/config/index.js';
import { SchemaMismatchError, ValidationError } from '../../src/index.js';
import { startService } from '../../src/service/index.js';
import { TEST_DATABASE_URL } from '../support/servers.js';
import {
  dropSchema,
  freshSchema,
  serviceClient,
  type TestService,
} from './support/service-under-test.js';

describe.skipIf(!inject('postgresAvailable'))('admin token on first start [postgres]', () => {
  it('is created by exactly one of two instances starting together, and only its hash is kept', async () => {
    const schema = freshSchema();
    const config = loadServiceConfig(
      {},
      {
        port: 0,
        schema,
        databaseUrl: TEST_DATABASE_URL,
        logLevel: 'silent',
        cleanupIntervalSeconds: 0,
      },
    );
    const printed: string[] = [];
    const say = (line: string) => printed.push(line);
    const handles = await Promise.all([
      startService(config, { say }),
      startService(config, { say }),
    ]);
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      const created = handles.map((h) => h.createdAdminToken).filter((t) => t !== null);
      expect(created).toHaveLength(1);
      const token = created[0]!;
      expect(printed.join('\n').split(token).length - 1).toBe(2); // the token and the curl line
      const services: TestService[] = handles.map((h) => serviceClient(h, schema));
      for (const service of services) {
        const user = await service.request('POST', '/v1/admin/users', {
          token,
          body: { user_id: 'alice' },
        });
        expect(user.status).toBe(201);
      }
      const rows = await sql.unsafe<{ token_hash: string }[]>(
        `SELECT token_hash FROM "${schema}".service_admin`,
      );
      expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);
      const keys = await sql.unsafe<{ key_hash: string }[]>(
        `SELECT key_hash FROM "${schema}".api_keys`,
      );
      expect(keys).toHaveLength(2);
      for (const { key_hash } of keys) expect(key_hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      for (const handle of handles) await handle.close();
      await sql.end({ timeout: 1 });
      await dropSchema('postgres', schema);
    }
  });
});

describe('start-up refusals', () => {
  it('refuses REDIS_URL without a PostgreSQL DATABASE_URL, before opening anything', async () => {
    const config = loadServiceConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATA_DIR: '/nonexistent/never',
    });
    const refusal = await startService(config, { say: () => {} }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).issues[0]!.field).toBe('REDIS_URL');
  });

  it.skipIf(!inject('postgresAvailable'))(
    'refuses an unmigrated PostgreSQL schema when CONVSTORE_MIGRATE=false, saying what to run',
    async () => {
      const config = loadServiceConfig({
        DATABASE_URL: TEST_DATABASE_URL,
        CONVSTORE_SCHEMA: freshSchema(),
        CONVSTORE_MIGRATE: 'false',
      });
      const refusal = await startService(config, { say: () => {} }).catch(
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(SchemaMismatchError);
      expect((refusal as Error).message).toContain('convstore db migrate');
    },
  );
});
