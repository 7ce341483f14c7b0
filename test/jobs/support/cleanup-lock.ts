import { admin } from './job-fixtures.js';

/** Whether some connection holds the schema's cleanup advisory lock (a cleanup is running). */
export async function cleanupLockHeld(schema: string): Promise<boolean> {
  const [row] = await admin.unsafe<{ held: boolean }[]>(
    `SELECT exists(
       SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND granted
          AND objid::bigint = (hashtext($1)::bigint & 4294967295)) AS held`,
    [`convstore:cleanup:${schema}`],
  );
  return row!.held;
}
