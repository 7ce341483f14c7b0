import { v7 as uuidv7 } from 'uuid';
import { ValidationError } from './contract/errors.js';
import type { StoreBackend } from './contract/store-backend.js';
import type { ConversationStore } from './contract/store.js';
import { InputValidator } from './contract/validation.js';
import { StoreFacade } from './facade/store-facade.js';
import { resolveStoreOptions, type ResolvedStoreOptions, type StoreOptions } from './options.js';
import { openSqlDriver } from './stores/sql/open-sql-driver.js';
import type { SqlDriver } from './stores/sql/sql-driver.js';
import { instrumentStore } from './telemetry/instrument-store.js';

/**
 * Opens a store. The URL picks it: `postgres://` (PostgreSQL), `pglite://` (embedded, the default
 * when no URL is given), `redis://` / `redis+cluster://` (Redis); `postgres://` with `cache` is
 * the hybrid. Each store module is imported only when chosen, so PGlite's WebAssembly is never
 * loaded by a PostgreSQL user, nor ioredis by either, and the other way round. Whatever the
 * store, the caller gets the one facade that validates every call once, traced and timed
 * through OpenTelemetry when `@opentelemetry/api` is installed (src/telemetry/).
 */
export async function createStore(options: StoreOptions = {}): Promise<ConversationStore> {
  if (options.url !== undefined && /^https?:\/\//.test(options.url)) {
    const { createStore: createClient } = await import('./client/index.js');
    return createClient({
      url: options.url,
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
      ...(options.token !== undefined && { token: options.token }),
      ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
      ...(options.limits !== undefined && { limits: options.limits }),
    });
  }
  const resolved = resolveStoreOptions(options);
  return facade(await openBackend(resolved), resolved, options);
}

/**
 * A SQL store (postgres, pglite, or the hybrid with `cache`) on a driver opened by the caller,
 * who shares it (the service's auth does): the store closes it, so pass a borrowedDriver() to
 * keep it open. Not part of the public API.
 */
export async function createStoreOnDriver(
  driver: SqlDriver,
  options: StoreOptions,
): Promise<ConversationStore> {
  const resolved = resolveStoreOptions(options);
  checkHybridUrl(resolved);
  return facade(await openSqlBackend(driver, resolved), resolved, options);
}

function facade(
  backend: StoreBackend,
  resolved: ResolvedStoreOptions,
  options: StoreOptions,
): Promise<ConversationStore> {
  const store = new StoreFacade(backend, new InputValidator(resolved.limits, uuidv7));
  return instrumentStore(store, resolved, options.telemetry);
}

async function openBackend(resolved: ResolvedStoreOptions): Promise<StoreBackend> {
  if (/^redis(s|\+cluster)?:\/\//.test(resolved.url)) {
    if (resolved.cache) {
      throw ValidationError.field('cache', 'needs a postgres:// url (the hybrid store)');
    }
    const { openRedisStore } = await import('./stores/redis/index.js');
    return openRedisStore(resolved);
  }
  checkHybridUrl(resolved);
  let driver: SqlDriver;
  if (resolved.pglite && !resolved.cache) {
    const { pgliteDriver } = await import('./stores/pglite/pglite-driver.js');
    driver = pgliteDriver(resolved.pglite, false);
  } else {
    driver = await openSqlDriver(resolved.url, resolved);
  }
  try {
    return await openSqlBackend(driver, resolved);
  } catch (error) {
    // Refused before the store took the driver over (a bad cache setting): close it here.
    await driver.close().catch(() => {});
    throw error;
  }
}

function checkHybridUrl(resolved: ResolvedStoreOptions): void {
  if (resolved.cache && !/^postgres(ql)?:\/\//.test(resolved.url)) {
    throw ValidationError.field('cache', 'needs a postgres:// url (the hybrid store)');
  }
}

async function openSqlBackend(
  driver: SqlDriver,
  resolved: ResolvedStoreOptions,
): Promise<StoreBackend> {
  if (resolved.cache) {
    const { openHybridStore } = await import('./stores/hybrid/index.js');
    return openHybridStore(resolved, undefined, driver);
  }
  if (driver.kind === 'pglite') {
    const { openPgliteStore } = await import('./stores/pglite/index.js');
    return openPgliteStore(driver, resolved);
  }
  const { openPostgresStore } = await import('./stores/postgres/index.js');
  return openPostgresStore(driver, resolved);
}
