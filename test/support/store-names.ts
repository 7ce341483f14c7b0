/** Every store the contract suite runs against; vitest makes one project of each. */
export const STORE_NAMES = [
  'pglite',
  'postgres',
  'postgres-partitioned',
  'redis',
  'redis-cluster',
  'hybrid-write-through',
  'hybrid-write-behind',
  'hybrid-cluster-write-through',
  'hybrid-cluster-write-behind',
  'http',
] as const;

export type StoreName = (typeof STORE_NAMES)[number];

export function isStoreName(name: string | undefined): name is StoreName {
  return (STORE_NAMES as readonly string[]).includes(name ?? '');
}
