import postgres from 'postgres';
import { afterAll, inject } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { createStore, type ConversationStore, type StoreOptions } from '../../../../src/index.js';
import { pgliteExtensions } from '../../../../src/stores/pglite/pglite-extensions.js';
import { TEST_DATABASE_URL } from '../../../support/servers.js';

export type SqlKind = 'postgres' | 'pglite';

/** A store on a schema of its own, and SQL in the same database (seeding, tampering, reading). */
export interface SqlSubject {
  store: ConversationStore;
  schema: string;
  /** Rows of one statement; without parameters, a script of several runs whole (and gives none). */
  query: <Row>(text: string, params?: unknown[]) => Promise<Row[]>;
}

/**
 * Opens stores of one test file on PostgreSQL (a schema each, dropped after the file) or PGlite
 * (a schema each in one in-memory instance, closed after the file), named after the run and
 * `label`. Call it at the top of the file: it registers the cleanup.
 */
export function sqlSubjects(label: string): {
  open: (kind: SqlKind, options?: Partial<StoreOptions>) => Promise<SqlSubject>;
} {
  const runPrefix = `${inject('runPrefix')}_${label}_${process.pid}`;
  let counter = 0;
  const schemas: string[] = [];
  let admin: postgres.Sql | undefined;
  let sharedPglite: Promise<PGlite> | undefined;

  afterAll(async () => {
    for (const schema of schemas) {
      await admin?.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
    await admin?.end({ timeout: 1 });
    if (sharedPglite) await (await sharedPglite).close();
  });

  async function open(kind: SqlKind, options: Partial<StoreOptions> = {}): Promise<SqlSubject> {
    const schema = `${runPrefix}_${++counter}`;
    if (kind === 'postgres') {
      admin ??= postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      const sql = admin;
      schemas.push(schema);
      const store = await createStore({
        ...options,
        url: TEST_DATABASE_URL,
        schema,
        migrate: true,
      });
      const query: SqlSubject['query'] = async <Row>(text: string, params: unknown[] = []) =>
        (await sql.unsafe(text, params as never[])) as unknown as Row[];
      return { store, schema, query };
    }
    sharedPglite ??= import('@electric-sql/pglite').then(async ({ PGlite }) =>
      PGlite.create('memory://', { extensions: await pgliteExtensions() }),
    );
    const db = await sharedPglite;
    const store = await createStore({ ...options, pglite: db, schema, migrate: true });
    const query: SqlSubject['query'] = async <Row>(text: string, params: unknown[] = []) => {
      if (params.length === 0 && text.includes(';')) {
        await db.exec(text);
        return [];
      }
      return (await db.query<Row>(text, params)).rows;
    };
    return { store, schema, query };
  }

  return { open };
}
