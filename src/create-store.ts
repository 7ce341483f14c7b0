import { v7 as uuidv7 } from 'uuid';
import { ValidationError } from './contract/errors.js';
import type { StoreBackend } from './contract/store-backend.js';
import type { ConversationStore } from './contract/store.js';
import { InputValidator } from './contract/validation.js';
import { StoreFacade } from './facade/store-facade.js';
import { resolveStoreOptions, type ResolvedStoreOptions, type StoreOptions } from './options.js';

/**
 * Opens a store. The URL picks it: `postgres://` (PostgreSQL), `pglite://` (embedded, the default
 * when no URL is given), `redis://` / `redis+cluster://` (Redis); `postgres://` with `cache` is
 * the hybrid. Each store module is imported only when chosen, so PGlite's WebAssembly is never
 * loaded by a PostgreSQL user, nor ioredis by either, and the other way round. Whatever the
 * store, the caller gets the one facade that validates every call once.
 */
export async function createStore(options: StoreOptions = {}): Promise<ConversationStore> {
  const resolved = resolveStoreOptions(options);
  const backend = await openBackend(resolved);
  return new StoreFacade(backend, new InputValidator(resolved.limits, uuidv7));
}

async function openBackend(resolved: ResolvedStoreOptions): Promise<StoreBackend> {
  if (/^redis(s|\+cluster)?:\/\//.test(resolved.url)) {
    if (resolved.cache) {
      throw ValidationError.field('cache', 'needs a postgres:// url (the hybrid store)');
    }
    const { openRedisStore } = await import('./stores/redis/index.js');
    return openRedisStore(resolved);
  }
  if (resolved.cache) {
    if (!/^postgres(ql)?:\/\//.test(resolved.url)) {
      throw ValidationError.field('cache', 'needs a postgres:// url (the hybrid store)');
    }
    const { openHybridStore } = await import('./stores/hybrid/index.js');
    return openHybridStore(resolved);
  }
  if (resolved.pglite || resolved.url.startsWith('pglite://')) {
    const { openPgliteStore } = await import('./stores/pglite/index.js');
    return openPgliteStore(resolved);
  }
  const { openPostgresStore } = await import('./stores/postgres/index.js');
  return openPostgresStore(resolved);
}
