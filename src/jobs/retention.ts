import {
  describePolicy,
  readRetentionPolicy,
  type RetentionPolicy,
} from '../stores/sql/retention-policy.js';
import { openSqlDriver } from '../stores/sql/open-sql-driver.js';

/**
 * The retention policy a job (a standalone flusher, a cron cleanup) must apply: the one the
 * service stored in the database, so the job can never trim or expire differently from it; only
 * when none is stored (a database no service has run on yet), the job's own settings. Says which,
 * and when the job's own settings were given and differ, that they were not used.
 */
export async function resolveRetention(
  url: string,
  schema: string,
  own: RetentionPolicy,
  ownGiven: boolean,
  note: (line: string) => void,
): Promise<RetentionPolicy> {
  const driver = await openSqlDriver(url, { poolSize: 1 });
  try {
    const stored = await readRetentionPolicy(driver, schema);
    if (!stored) {
      note(`convstore: no retention policy stored yet; using ${describePolicy(own)}`);
      return own;
    }
    const policy = {
      ttlSeconds: stored.ttlSeconds,
      maxHistory: stored.maxHistory,
      cacheWindow: stored.cacheWindow,
    };
    if (ownGiven && describePolicy(own) !== describePolicy(policy)) {
      note(
        `convstore: using the retention policy \`${stored.writtenBy}\` stored ` +
          `(${describePolicy(policy)}), not the one given here (${describePolicy(own)})`,
      );
    }
    return policy;
  } finally {
    await driver.close();
  }
}
