import { rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../create-store.js';
import type { StoreOptions } from '../../options.js';
import { schemaFor, type BenchContext } from '../bench-context.js';
import type { StoreName } from '../names.js';
import { ConvstoreSubject } from './convstore-subject.js';
import { deleteKeys, drainStreams, openAnyRedis } from './redis-connection.js';

/** What every convstore store is opened with: the sketch's window and a sliding day of TTL. */
const COMMON = { maxHistory: 50, ttlSeconds: 24 * 3600 } as const;

type ConvstoreStoreName = Extract<StoreName, 'postgres' | 'pglite' | 'redis' | `hybrid-${string}`>;

/**
 * The convstore stores, each opened through createStore exactly as a user would, in a schema /
 * data directory / key prefix of this run. Redis and hybrid are opened with options typed loosely
 * so that the bench builds whatever the store options of this version are; createStore refuses
 * options it does not know, and the run reports that store as unavailable.
 */
export function convstoreSubject(context: BenchContext, name: ConvstoreStoreName) {
  const schema = schemaFor(context, name);
  const keyPrefix = `${context.runPrefix}:${name}:`;
  const dropSchema = () => context.admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const onCluster = name.startsWith('hybrid-cluster-');
  const redisUrl = onCluster ? context.redisClusterUrl : context.redisUrl;
  const dropKeys = async () => {
    if (!redisUrl) return;
    const redis = await openAnyRedis(redisUrl);
    try {
      await deleteKeys(redis, keyPrefix);
    } finally {
      redis.disconnect();
    }
  };
  const postgres = { url: context.databaseUrl, schema, migrate: true, poolSize: context.poolSize };
  switch (name) {
    case 'postgres':
      return new ConvstoreSubject({
        store: name,
        open: () => createStore({ ...COMMON, ...postgres }),
        drop: async () => {
          await dropSchema();
        },
      });
    case 'pglite': {
      let dir: string | undefined;
      return new ConvstoreSubject({
        store: name,
        // On disk, as an application would keep it (a temporary directory, removed after).
        open: async () => {
          dir = await mkdtemp(join(tmpdir(), 'convstore-bench-'));
          return createStore({ ...COMMON, url: `pglite://${dir}`, schema });
        },
        drop: async () => {
          if (dir) await rm(dir, { recursive: true, force: true });
        },
      });
    }
    case 'redis':
      return new ConvstoreSubject({
        store: name,
        open: () => createStore(loose({ ...COMMON, url: context.redisUrl, keyPrefix })),
        drop: dropKeys,
      });
    default: {
      const writeBehind = name.includes('write-behind');
      return new ConvstoreSubject({
        store: name,
        open: () => {
          if (!redisUrl) throw new Error('no --redis-cluster-url given');
          return createStore(
            loose({
              ...COMMON,
              ...postgres,
              cache: {
                url: redisUrl,
                keyPrefix,
                writeMode: writeBehind ? 'write-behind' : 'write-through',
                ...(name.endsWith('-wait1') && { waitReplicas: 1 }),
              },
            }),
          );
        },
        drop: async () => {
          await dropSchema();
          await dropKeys();
        },
        ...(writeBehind && { settle: () => drainStreams(redisUrl!, keyPrefix) }),
      });
    }
  }
}

/**
 * The postgres store in a schema created with `partitions` (sessions and messages hash-partitioned
 * by user): the growth run measures it beside the plain `postgres` store. Its own schema.
 */
export function partitionedPostgresSubject(context: BenchContext, partitions: number) {
  const store = 'postgres-partitioned';
  const schema = schemaFor(context, store);
  return new ConvstoreSubject({
    store,
    open: () =>
      createStore({
        ...COMMON,
        url: context.databaseUrl,
        schema,
        migrate: true,
        poolSize: context.poolSize,
        partitions,
      }),
    drop: async () => {
      await context.admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  });
}

function loose(options: Record<string, unknown>): StoreOptions {
  return options as StoreOptions;
}
