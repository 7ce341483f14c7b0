import { describe, expect, it } from 'vitest';
import { createStore, ValidationError } from '../../../src/index.js';

/** Redis and hybrid options are checked before anything connects. */
describe('redis and hybrid options', () => {
  it.each([
    ['a key prefix with a brace', { url: 'redis://127.0.0.1:1', keyPrefix: 'a{b' }, 'keyPrefix'],
    [
      'a cache in front of Redis',
      { url: 'redis://127.0.0.1:1', cache: { url: 'redis://127.0.0.1:1' } },
      'cache',
    ],
    [
      'a cache in front of PGlite',
      { url: 'pglite://memory', cache: { url: 'redis://127.0.0.1:1' } },
      'cache',
    ],
    [
      // (A cluster is a cache the hybrid takes: test/stores/hybrid/cluster-write-behind.test.ts.)
      'a cache that is not Redis',
      { url: 'postgres://127.0.0.1:1/x', cache: { url: 'memcached://127.0.0.1:1' } },
      'cache.url',
    ],
    [
      'an unknown write mode',
      {
        url: 'postgres://127.0.0.1:1/x',
        cache: { url: 'redis://127.0.0.1:1', writeMode: 'async' },
      },
      'cache.writeMode',
    ],
    [
      'an unknown cache option',
      { url: 'postgres://127.0.0.1:1/x', cache: { url: 'redis://127.0.0.1:1', ttl: 5 } },
      'cache',
    ],
    ['a malformed cluster url', { url: 'redis+cluster://nohost' }, 'url'],
  ])('refuses %s', async (_, options, field) => {
    const error = await createStore(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toContain(field);
  });
});
