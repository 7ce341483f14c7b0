import { createHash } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
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
import { spawnService } from './support/spawn-service.js';

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

describe.skipIf(!inject('postgresAvailable'))('admin token when listening fails [postgres]', () => {
  it('is shown even when the port is taken, and still works on the next start', async () => {
    const schema = freshSchema();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as AddressInfo).port;
    const base = {
      schema,
      host: '127.0.0.1',
      databaseUrl: TEST_DATABASE_URL,
      logLevel: 'silent' as const,
      cleanupIntervalSeconds: 0,
    };
    const printed: string[] = [];
    const say = (line: string) => printed.push(line);
    let handle: Awaited<ReturnType<typeof startService>> | undefined;
    try {
      const refusal = await startService(loadServiceConfig({}, { ...base, port: takenPort }), {
        say,
      }).catch((error: unknown) => error);
      expect((refusal as { code?: string }).code).toBe('EADDRINUSE');
      const token = /^ {4}(csa\S+)$/m.exec(printed.join('\n'))?.[1];
      expect(token).toBeDefined();

      printed.length = 0;
      handle = await startService(loadServiceConfig({}, { ...base, port: 0 }), { say });
      expect(handle.createdAdminToken).toBeNull();
      expect(printed.join('\n')).not.toContain('created the admin token');
      const user = await serviceClient(handle, schema).request('POST', '/v1/admin/users', {
        token: token!,
        body: { user_id: 'alice' },
      });
      expect(user.status).toBe(201);
    } finally {
      await handle?.close();
      await new Promise((resolve) => blocker.close(resolve));
      await dropSchema('postgres', schema);
    }
  });
});

describe.skipIf(!inject('postgresAvailable'))('admin token, entry point [postgres]', () => {
  it('npm start on a taken port exits 1 having printed the token, which a later start accepts', async () => {
    const schema = freshSchema();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    let handle: Awaited<ReturnType<typeof startService>> | undefined;
    try {
      const failed = spawnService({
        PORT: String((blocker.address() as AddressInfo).port),
        HOST: '127.0.0.1',
        DATABASE_URL: TEST_DATABASE_URL,
        CONVSTORE_SCHEMA: schema,
        LOG_LEVEL: 'warn',
        CLEANUP_INTERVAL: '0',
      });
      expect(await failed.exited).toBe(1);
      expect(failed.output()).toContain('convstore: cannot start');
      const token = /^ {4}(csa_[A-Za-z0-9_-]+)$/m.exec(failed.output())?.[1];
      expect(token).toBeDefined();

      const config = loadServiceConfig(
        {},
        { port: 0, schema, databaseUrl: TEST_DATABASE_URL, logLevel: 'silent' },
      );
      handle = await startService({ ...config, cleanupIntervalSeconds: 0 }, { say: () => {} });
      expect(handle.createdAdminToken).toBeNull();
      const user = await serviceClient(handle, schema).request('POST', '/v1/admin/users', {
        token: token!,
        body: { user_id: 'alice' },
      });
      expect(user.status).toBe(201);
    } finally {
      await handle?.close();
      await new Promise((resolve) => blocker.close(resolve));
      await dropSchema('postgres', schema);
    }
  }, 60_000);
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
