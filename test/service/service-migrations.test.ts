import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadServiceConfig, type ConfigOverrides } from '../../src/config/index.js';
import { createStore, SchemaMismatchError } from '../../src/index.js';
import { migrateDatabase } from '../../src/jobs/migrate-database.js';
import { startService } from '../../src/service/index.js';
import { MIGRATION_FILES } from '../../src/stores/sql/migrations.generated.js';
import { TEST_DATABASE_URL } from '../support/servers.js';
import { cli } from '../cli/capture.js';
import { freshSchema } from './support/service-under-test.js';

/** Every store migration's version, 1 to the latest (the service's series is its own). */
const STORE_VERSIONS = Object.keys(MIGRATION_FILES).map((_, i) => i + 1);

const sql = postgres(TEST_DATABASE_URL, { max: 2, onnotice: () => {} });
const schemas: string[] = [];

afterAll(async () => {
  for (const schema of schemas) await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await sql.end({ timeout: 1 });
});

function schemaName(): string {
  const schema = freshSchema();
  schemas.push(schema);
  return schema;
}

function config(schema: string, overrides: ConfigOverrides = {}) {
  return loadServiceConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      schema,
      databaseUrl: TEST_DATABASE_URL,
      logLevel: 'silent',
      cleanupIntervalSeconds: 0,
      rateLimitMax: 0,
      ...overrides,
    },
  );
}

async function tables(schema: string): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = ${schema} ORDER BY table_name`;
  return rows.map((row) => row.name);
}

async function versions(schema: string, table: string): Promise<number[]> {
  const rows = await sql.unsafe(`SELECT version FROM "${schema}".${table} ORDER BY version`);
  return rows.map((row) => Number(row.version));
}

/**
 * Puts a schema back where the shipped code (migrations 1-3, no service series) left it: what
 * the later store migrations added goes too, so that they apply again.
 */
async function asShippedBefore(schema: string): Promise<void> {
  const q = `"${schema}"`;
  await sql.unsafe(`DELETE FROM ${q}.schema_migrations WHERE version > 3`);
  await sql.unsafe(`DROP TABLE IF EXISTS ${q}.service_migrations`);
  await sql.unsafe(
    `DROP TABLE IF EXISTS ${q}.tool_calls, ${q}.operations, ${q}.retention_policy,
       ${q}.schema_migrations_functions`,
  );
  await sql.unsafe(
    `DROP VIEW IF EXISTS ${q}.usage_active_users_daily, ${q}.usage_daily, ${q}.usage_hours,
       ${q}.usage_messages`,
  );
  await sql.unsafe(
    `DROP TABLE IF EXISTS ${q}.usage_hourly, ${q}.usage_rollup_state, ${q}.usage_dirty_hours,
       ${q}.usage_hourly_totals CASCADE`,
  );
  await sql.unsafe(
    `DROP INDEX IF EXISTS ${q}.messages_by_user_time, ${q}.messages_search, ${q}.messages_search_cjk,
       ${q}.messages_by_time`,
  );
  await sql.unsafe(`DROP TEXT SEARCH CONFIGURATION IF EXISTS ${q}.search CASCADE`);
  const added = await sql.unsafe(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = 'messages'
        AND column_name NOT IN ('user_id', 'session_id', 'seq', 'message_id', 'role', 'content',
                                'metadata', 'created_at')`,
    [schema],
  );
  for (const { column_name } of added) {
    await sql.unsafe(`ALTER TABLE ${q}.messages DROP COLUMN "${column_name as string}"`);
  }
}

async function request(base: string, method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, asserted by shape
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe.skipIf(!inject('postgresAvailable'))('the service has its own migration series', () => {
  it('a database used only through the library has no service tables', async () => {
    const schema = schemaName();
    const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
    await store.close();
    const names = await tables(schema);
    expect(names).not.toContain('api_keys');
    expect(names).not.toContain('service_admin');
    expect(names).not.toContain('service_migrations');
    expect(await versions(schema, 'schema_migrations')).toEqual(STORE_VERSIONS);
  });

  it('the service creates its tables in their own series, after the store', async () => {
    const schema = schemaName();
    const handle = await startService(config(schema), { say: () => {} });
    await handle.close();
    expect(await tables(schema)).toEqual(
      expect.arrayContaining(['api_keys', 'service_admin', 'service_migrations']),
    );
    expect(await versions(schema, 'service_migrations')).toEqual([1]);
  });

  it('a database the shipped code gave keys and an admin token keeps them through the upgrade', async () => {
    const schema = schemaName();
    const first = await startService(config(schema), { say: () => {} });
    const adminToken = first.createdAdminToken!;
    const user = await request(first.url, 'POST', '/v1/admin/users', adminToken, {
      user_id: 'alice',
    });
    const key = user.body.api_key as string;
    await first.close();
    await asShippedBefore(schema);

    const upgraded = await startService(config(schema), { say: () => {} });
    try {
      expect(upgraded.createdAdminToken).toBeNull();
      const appended = await request(upgraded.url, 'POST', '/v1/sessions/s/messages', key, {
        role: 'user',
        content: 'after the upgrade',
      });
      expect(appended.status).toBe(201);
      const bob = await request(upgraded.url, 'POST', '/v1/admin/users', adminToken, {
        user_id: 'bob',
      });
      expect(bob.status).toBe(201);
    } finally {
      await upgraded.close();
    }
    expect(await versions(schema, 'schema_migrations')).toEqual(STORE_VERSIONS);
    expect(await versions(schema, 'service_migrations')).toEqual([1]);
  });

  it('a library database the shipped code gave empty service tables loses them', async () => {
    const schema = schemaName();
    const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
    await store.close();
    await sql.unsafe(MIGRATION_FILES['0002_service_auth'].replaceAll('{{schema}}', `"${schema}"`));
    await asShippedBefore(schema);
    expect(await tables(schema)).toContain('api_keys');

    const upgraded = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
    await upgraded.close();
    expect(await tables(schema)).not.toContain('api_keys');
    expect(await tables(schema)).not.toContain('service_admin');
  });

  it('with CONVSTORE_MIGRATE=false, the service refuses a missing series; db migrate --service applies it', async () => {
    const schema = schemaName();
    await migrateDatabase({ url: TEST_DATABASE_URL, schema });
    const refusal = await startService(config(schema, { migrate: false }), { say: () => {} }).then(
      async (handle) => {
        await handle.close();
        return null;
      },
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(SchemaMismatchError);
    expect((refusal as Error).message).toContain('convstore db migrate --service');

    const plan = await migrateDatabase({ url: TEST_DATABASE_URL, schema, service: true });
    expect(plan.steps).toEqual([]);
    expect(plan.service?.steps).toEqual([{ version: 1, name: 'service_tables' }]);
    const handle = await startService(config(schema, { migrate: false }), { say: () => {} });
    expect(handle.createdAdminToken).toMatch(/^csa_/);
    await handle.close();
  });

  it('convstore db status/migrate --service report and apply both series', async () => {
    const schema = schemaName();
    const target = ['--url', TEST_DATABASE_URL, '--schema', schema];
    await cli('db', 'migrate', ...target);
    expect((await cli('db', 'status', ...target)).code).toBe(0);

    const behind = await cli('db', 'status', '--service', ...target, '--json');
    expect(behind.code).toBe(7);
    expect(JSON.parse(behind.stdout)).toMatchObject({
      upToDate: false,
      service: { current: 0, latest: 1, pending: [{ version: 1, name: 'service_tables' }] },
    });

    const applied = await cli('db', 'migrate', '--service', ...target);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`is up to date at migration ${STORE_VERSIONS.length}`);
    expect(applied.stdout).toContain('applied 1 service migration(s)');
    const after = await cli('db', 'status', '--service', ...target);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('service migration 1 of 1 (up to date)');
  });
});
