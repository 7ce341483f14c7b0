import { describe, expect, it } from 'vitest';
import { createStore, ValidationError } from '../../src/index.js';
import { resolveStoreOptions } from '../../src/options.js';
import { pgliteDataDir } from '../../src/stores/pglite/index.js';

describe('store options', () => {
  it('fills in the documented defaults', () => {
    expect(resolveStoreOptions({})).toMatchObject({
      url: 'pglite://./data',
      schema: 'convstore',
      ttlSeconds: null,
      maxHistory: null,
      poolSize: 4,
      limits: { maxContentBytes: 262144, maxMetadataBytes: 65536, maxMessagesPerAppend: 100 },
    });
  });

  it.each([
    [{ ttlSeconds: -1 }, 'ttlSeconds'],
    [{ ttlSeconds: 1.5 }, 'ttlSeconds'],
    [{ maxHistory: 0 }, 'maxHistory'],
    [{ url: 'mysql://x' }, 'url'],
    [{ poolSize: 0 }, 'poolSize'],
    [{ limits: { maxContentBytes: 0 } }, 'limits.maxContentBytes'],
  ])('refuses %o naming %s', (options, field) => {
    expect(() => resolveStoreOptions(options as never)).toThrow(ValidationError);
    expect(() => resolveStoreOptions(options as never)).toThrow(field);
  });

  it('refuses a schema name that would need quoting before opening anything', async () => {
    await expect(createStore({ url: 'pglite://memory', schema: 'a"; drop' })).rejects.toThrow(
      ValidationError,
    );
    await expect(createStore({ url: 'pglite://memory', schema: 'Upper' })).rejects.toThrow(
      /schema/,
    );
  });

  it('reads the PGlite location from the URL', () => {
    expect(pgliteDataDir('pglite://memory')).toBeNull();
    expect(pgliteDataDir('pglite://./data')).toBe('./data');
    expect(pgliteDataDir('pglite:///var/lib/convstore')).toBe('/var/lib/convstore');
  });
});
