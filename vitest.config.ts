import { defineConfig } from 'vitest/config';
import { STORE_NAMES } from './test/support/store-names.js';

/**
 * One contract suite, run once per store (CONVSTORE_TEST_STORE picks it); store-specific tests
 * live in test/stores/<store>/ and unit tests in test/unit/.
 */
const CONTRACT_STORES = STORE_NAMES;

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      ...CONTRACT_STORES.map((store) => ({
        extends: true as const,
        test: {
          name: `contract:${store}`,
          include: ['test/contract/**/*.test.ts'],
          env: { CONVSTORE_TEST_STORE: store },
          // The cluster project starts its own three-master Redis Cluster, once.
          ...(store === 'redis-cluster'
            ? { globalSetup: ['test/support/redis-cluster-setup.ts'] }
            : {}),
        },
      })),
      // One project per folder of test/: the folder says what the tests are about.
      ...['stores', 'unit', 'service', 'jobs', 'cli', 'telemetry'].map((folder) => ({
        extends: true as const,
        test: { name: folder, include: [`test/${folder}/**/*.test.ts`] },
      })),
    ],
  },
});
