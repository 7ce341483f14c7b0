import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, inject } from 'vitest';
import { loadServiceConfig, type ConfigOverrides } from '../../../src/config/index.js';
import { startService, type ServiceDeps, type ServiceHandle } from '../../../src/service/index.js';
import { pgliteExtensions } from '../../../src/stores/pglite/pglite-extensions.js';
import { Redis } from 'ioredis';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

export type ServiceBackend = 'pglite' | 'postgres' | 'hybrid';
export const SERVICE_BACKENDS: readonly ServiceBackend[] = ['pglite', 'postgres', 'hybrid'];
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

// Response bodies are whatever JSON the service sent; tests assert their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is (for malformed JSON and the like). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestService {
  handle: ServiceHandle;
  url: string;
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Creates a user through the admin API and returns their API key. */
  newUser(userId: string): Promise<string>;
}

let counter = 0;
let sharedPglite: Promise<PGlite> | undefined;
let admin: postgres.Sql | undefined;
const started: Array<{ handle: ServiceHandle; backend: ServiceBackend; schema: string }> = [];

/** A fresh schema name for this run (dropped after the test). */
export function freshSchema(): string {
  return `${inject('runPrefix')}_svc${process.pid}_${++counter}`;
}

/**
 * Starts the real service on a free loopback port, in a schema of its own, on PGlite (one
 * in-memory instance per test file, since creating one costs seconds) or the real PostgreSQL.
 * Stopped, and its schema dropped, after the test.
 */
export async function startTestService(
  backend: ServiceBackend,
  overrides: ConfigOverrides = {},
  deps: ServiceDeps = {},
): Promise<TestService> {
  const schema = overrides.schema ?? freshSchema();
  const config = loadServiceConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      schema,
      databaseUrl: backend === 'pglite' ? null : TEST_DATABASE_URL,
      ...(backend === 'hybrid' && { redisUrl: TEST_REDIS_URL, redisKeyPrefix: `${schema}:` }),
      adminToken: ADMIN_TOKEN,
      logLevel: 'silent',
      cleanupIntervalSeconds: 0,
      rateLimitMax: 0,
      migrate: true,
      ...overrides,
    },
  );
  const handle = await startService(config, {
    say: () => {},
    ...(backend === 'pglite' && { pglite: await pglite() }),
    ...deps,
  });
  started.push({ handle, backend, schema });
  return serviceClient(handle, schema);
}

export function serviceClient(handle: ServiceHandle, schema: string): TestService {
  const request = async <T>(method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${handle.url}${path}`, { method, headers, body });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      // NDJSON (the export) is many documents: it stays text.
      body: (type.includes('json') && !type.includes('ndjson') && text
        ? JSON.parse(text)
        : text) as T,
      headers: response.headers,
    };
  };
  return {
    handle,
    url: handle.url,
    schema,
    request,
    newUser: async (userId) => {
      const response = await request<{ api_key: string }>('POST', '/v1/admin/users', {
        token: ADMIN_TOKEN,
        body: { user_id: userId },
      });
      if (response.status !== 201) throw new Error(`creating ${userId}: ${response.status}`);
      return response.body.api_key;
    },
  };
}

/** One describe block per backend; each runs only when its servers answer (CI requires them). */
export function describeService(name: string, body: (backend: ServiceBackend) => void): void {
  for (const backend of SERVICE_BACKENDS) {
    const available =
      backend === 'pglite' ||
      (inject('postgresAvailable') && (backend === 'postgres' || inject('redisAvailable')));
    describe.skipIf(!available)(`${name} [${backend}]`, () => {
      // Creating PGlite takes seconds: do it in a hook (hookTimeout), not in the first test.
      if (backend === 'pglite') beforeAll(() => pglite(), 60_000);
      body(backend);
    });
  }
}

afterEach(async () => {
  for (const { handle, backend, schema } of started.splice(0)) {
    await handle.close();
    await dropSchema(backend, schema);
    if (backend === 'hybrid') await dropCacheKeys(`${schema}:`);
  }
});

afterAll(async () => {
  if (sharedPglite) await (await sharedPglite).close();
  await admin?.end({ timeout: 1 });
  redis?.disconnect();
});

let redis: Redis | undefined;

/** The hybrid's cache keys of one test: its schema name is their prefix. */
async function dropCacheKeys(prefix: string): Promise<void> {
  redis ??= new Redis(TEST_REDIS_URL);
  await deleteKeysWithPrefix(redis, prefix);
}

export function pglite(): Promise<PGlite> {
  sharedPglite ??= import('@electric-sql/pglite').then(async ({ PGlite }) =>
    PGlite.create('memory://', { extensions: await pgliteExtensions() }),
  );
  return sharedPglite;
}

export async function dropSchema(backend: ServiceBackend, schema: string): Promise<void> {
  if (backend === 'pglite') {
    await (await pglite()).exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    return;
  }
  admin ??= postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Runs SQL directly on a backend's database (to break or inspect it from outside). */
export async function execSql(backend: ServiceBackend, text: string): Promise<void> {
  if (backend === 'pglite') {
    await (await pglite()).exec(text);
    return;
  }
  admin ??= postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(text);
}

/**
 * Rows of a table in a service's schema, read directly (expired rows included); with `where`,
 * only the rows it holds for.
 */
export async function countRows(
  backend: ServiceBackend,
  schema: string,
  table: string,
  where = 'true',
): Promise<number> {
  const text = `SELECT count(*)::integer AS n FROM "${schema}"."${table}" WHERE ${where}`;
  if (backend === 'pglite') {
    const result = await (await pglite()).query<{ n: number }>(text);
    return result.rows[0]!.n;
  }
  admin ??= postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const rows = await admin.unsafe<{ n: number }[]>(text);
  return rows[0]!.n;
}
