import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { AuthStore } from '../../src/service/auth/auth-store.js';
import { Authenticator } from '../../src/service/auth/authenticator.js';
import { KeyCache } from '../../src/service/auth/key-cache.js';
import { UnknownKeyCache } from '../../src/service/auth/unknown-key-cache.js';
import { openPostgresDriver } from '../../src/stores/postgres/postgres-driver.js';
import { TEST_DATABASE_URL } from '../support/servers.js';
import { startTestService, type TestService } from './support/service-under-test.js';

const LIMIT = 5;

function randomToken(): string {
  return `csk_${randomBytes(24).toString('base64url')}`;
}

/** The real service's AuthStore, counting the lookups of keys it is asked for. */
function countingLookups(store: AuthStore): { store: AuthStore; lookups: () => number } {
  let lookups = 0;
  const counted = Object.create(store) as AuthStore;
  counted.findKeyOwner = (hash: string) => {
    lookups++;
    return store.findKeyOwner(hash);
  };
  return { store: counted, lookups: () => lookups };
}

async function startLimited(): Promise<TestService> {
  return startTestService('postgres', { rateLimitMax: LIMIT, rateLimitWindowSeconds: 600 });
}

describe.skipIf(!inject('postgresAvailable'))('rate limits and bad tokens [postgres]', () => {
  it('limits made-up tokens by client address, while a known key keeps its own budget', async () => {
    const api = await startLimited();
    const alice = await api.newUser('alice');
    // Alice's key is verified (and remembered) before the flood starts.
    expect((await api.request('GET', '/v1/sessions', { token: alice })).status).toBe(200);

    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 5; i++) {
      const response = await api.request('GET', '/v1/sessions', { token: randomToken() });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.body.error.code).toBe('rate_limited');
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), ...Array<number>(5).fill(429)]);
    // No credentials at all count against the same address.
    expect((await api.request('GET', '/v1/sessions')).status).toBe(429);

    // The flooded address does not take Alice's budget: her key is charged to her alone.
    for (let i = 1; i < LIMIT; i++) {
      expect((await api.request('GET', '/v1/sessions', { token: alice })).status).toBe(200);
    }
    expect((await api.request('GET', '/v1/sessions', { token: alice })).status).toBe(429);
    // Health stays reachable for the orchestrator.
    expect((await api.request('GET', '/healthz')).status).toBe(200);
  });

  it('looks an unknown key up once, then remembers it for a while, in a bounded cache', async () => {
    const api = await startLimited();
    const key = await api.newUser('carol');
    // The service's own schema, through an AuthStore of this test's (to count its lookups).
    const driver = await openPostgresDriver({ url: TEST_DATABASE_URL, poolSize: 1 });
    try {
      const { store, lookups } = countingLookups(new AuthStore(driver, api.schema));
      const authenticator = new Authenticator(
        store,
        new KeyCache(30_000),
        'not-the-admin',
        null,
        new UnknownKeyCache(30_000, 3),
      );
      const bad = `Bearer ${randomToken()}`;
      for (let i = 0; i < 5; i++) {
        await expect(authenticator.authenticate(bad)).rejects.toMatchObject({ status: 401 });
      }
      expect(lookups()).toBe(1); // one round trip, not five
      expect(authenticator.vouchesFor(bad)).toBe(false);

      // Bounded: with room for 3, the oldest unknown hash is dropped first.
      for (let i = 0; i < 3; i++) {
        const other = `Bearer ${randomToken()}`;
        await expect(authenticator.authenticate(other)).rejects.toMatchObject({ status: 401 });
      }
      expect(lookups()).toBe(4);
      await expect(authenticator.authenticate(bad)).rejects.toMatchObject({ status: 401 });
      expect(lookups()).toBe(5);

      // A real key is looked up once, then vouched for without a round trip.
      expect(authenticator.vouchesFor(`Bearer ${key}`)).toBe(false);
      expect(await authenticator.authenticate(`Bearer ${key}`)).toEqual({
        kind: 'user',
        userId: 'carol',
      });
      expect(authenticator.vouchesFor(`Bearer ${key}`)).toBe(true);
      expect(await authenticator.authenticate(`Bearer ${key}`)).toMatchObject({ userId: 'carol' });
      expect(lookups()).toBe(6);
    } finally {
      await driver.close();
    }
  });
});
