import { describe, expect, it } from 'vitest';
import { createStore, pgliteExtensions, SchemaMismatchError } from '../../../src/index.js';

describe('pglite extensions', () => {
  it('refuses a PGlite created without the extensions, saying how to create it', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const bare = await PGlite.create('memory://');
    try {
      const error: unknown = await createStore({ pglite: bare }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaMismatchError);
      expect((error as Error).message).toMatch(/pgliteExtensions\(\)/);
    } finally {
      await bare.close();
    }
  }, 60_000);

  it('searches on a PGlite created with pgliteExtensions()', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create('memory://', { extensions: await pgliteExtensions() });
    try {
      const store = await createStore({ pglite: db });
      await store.append({
        userId: 'u',
        sessionId: 's',
        messages: [{ role: 'user', content: 'Olá, ação!' }],
      });
      const { hits } = await store.search({ userId: 'u', query: 'ola acao' });
      expect(hits).toHaveLength(1);
      await store.close();
    } finally {
      await db.close();
    }
  }, 60_000);
});
