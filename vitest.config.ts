import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { STORE_NAMES } from './test/support/store-names.js';

/**
 * One contract suite, run once per store (CONVSTORE_TEST_STORE picks it); store-specific tests
 * live in test/stores/<store>/ and unit tests in test/unit/.
 */
const CONTRACT_STORES = STORE_NAMES;

/**
 * The partitioned PostgreSQL schema runs the contract files whose statements partitioning could
 * change (writes, reads, listing, expiry and its cleanup, cascades, users apart, drafts, search):
 * the rest (validation, windows, agents, usage, ...) run the same statements on the same tables
 * and already pass on postgres. The whole suite passes on it too (`CONVSTORE_CONTRACT_ALL=1`),
 * at 1.5 times the postgres project's time (each test migrates a schema of 8 more tables).
 */
const PARTITIONED_CONTRACT = [
  'append',
  'history',
  'sessions',
  'expiry',
  'isolation',
  'drafts',
  'transact',
  'search',
].map((file) => `test/contract/${file}.test.ts`);

function contractFiles(store: string): string[] {
  if (store === 'postgres-partitioned' && !process.env.CONVSTORE_CONTRACT_ALL) {
    return PARTITIONED_CONTRACT;
  }
  return ['test/contract/**/*.test.ts'];
}

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** `convstore/<subpath>` as the source (examples/ import the package the way users do). */
const PACKAGE_NAMES = [
  { find: /^convstore\/ai-sdk$/, replacement: source('./src/adapters/ai-sdk/index.ts') },
  {
    find: /^convstore\/openai-agents$/,
    replacement: source('./src/adapters/openai-agents/index.ts'),
  },
  { find: /^convstore\/langchain$/, replacement: source('./src/adapters/langchain/index.ts') },
  { find: /^convstore$/, replacement: source('./src/index.ts') },
];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Most of a test's time is spent waiting on PostgreSQL, Redis, a service or a browser, so
    // two files at once on a 2-core machine (vitest's default there is one) cut the suite's
    // wall time by about a third without starving the servers.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      ...CONTRACT_STORES.map((store) => ({
        extends: true as const,
        test: {
          name: `contract:${store}`,
          include: contractFiles(store),
          env: { CONVSTORE_TEST_STORE: store },
          // A cluster project starts its own Redis Cluster (three masters, a replica each), once.
          ...(store.includes('cluster')
            ? { globalSetup: ['test/support/redis-cluster-setup.ts'] }
            : {}),
        },
      })),
      // One project per folder of test/: the folder says what the tests are about.
      ...['stores', 'unit', 'service', 'jobs', 'cli', 'telemetry', 'console'].map((folder) => ({
        extends: true as const,
        test: { name: folder, include: [`test/${folder}/**/*.test.ts`] },
      })),
      // The framework adapters and the examples/ they run, importing the package's own names.
      {
        extends: true as const,
        resolve: { alias: PACKAGE_NAMES },
        test: { name: 'adapters', include: ['test/adapters/**/*.test.ts'] },
      },
    ],
  },
});
