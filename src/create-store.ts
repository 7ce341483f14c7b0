import type { ConversationStore } from './contract/store.js';
import { resolveStoreOptions, type StoreOptions } from './options.js';

/**
 * Opens a store. The URL picks it: `postgres://` (PostgreSQL), `pglite://` (embedded, the default
 * when no URL is given). Each store module is imported only when chosen, so PGlite's WebAssembly
 * is never loaded by a PostgreSQL user, and the other way round.
 */
export async function createStore(options: StoreOptions = {}): Promise<ConversationStore> {
  const resolved = resolveStoreOptions(options);
  if (resolved.pglite || resolved.url.startsWith('pglite://')) {
    const { openPgliteStore } = await import('./stores/pglite/index.js');
    return openPgliteStore(resolved);
  }
  const { openPostgresStore } = await import('./stores/postgres/index.js');
  return openPostgresStore(resolved);
}
