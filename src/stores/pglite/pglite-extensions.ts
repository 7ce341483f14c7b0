import type { Extensions } from '@electric-sql/pglite';

/**
 * The PostgreSQL extensions the store's schema uses (search: see 0007_search.sql). PGlite
 * loads an extension only when it is handed to PGlite.create, so a PGlite given to createStore
 * must be created with these: `PGlite.create(dir, { extensions: await pgliteExtensions() })`.
 */
export async function pgliteExtensions(): Promise<Extensions> {
  const [{ btree_gin }, { pg_trgm }, { unaccent }] = await Promise.all([
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/unaccent'),
  ]);
  return { btree_gin, pg_trgm, unaccent };
}
