import type { Sql } from 'postgres';

/**
 * Bulk loads at 10 million rows (never timed): the secondary indexes of a table are dropped
 * before the load and built once after, as a restore does, with the build given memory enough to
 * sort in one pass. Primary keys and unique constraints stay: the loaders rely on them. Returns
 * the function that rebuilds what it dropped.
 */
export async function dropSecondaryIndexes(
  admin: Sql,
  schema: string,
  table: string,
): Promise<() => Promise<void>> {
  const indexes = await admin.unsafe<{ name: string; definition: string }[]>(
    `SELECT i.indexname AS name, i.indexdef AS definition
       FROM pg_indexes i
      WHERE i.schemaname = $1 AND i.tablename = $2
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                         WHERE c.conname = i.indexname
                           AND c.connamespace = $1::regnamespace)`,
    [schema, table],
  );
  for (const index of indexes) await admin.unsafe(`DROP INDEX "${schema}"."${index.name}"`);
  return async () => {
    for (const index of indexes) {
      await admin.begin(async (tx) => {
        await tx.unsafe(`SET LOCAL maintenance_work_mem = '1GB'`);
        await tx.unsafe(index.definition);
      });
    }
  };
}
