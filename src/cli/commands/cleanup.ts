import { Command, Option } from 'commander';
import { createStore } from '../../create-store.js';
import { runCleanup } from '../../jobs/cleanup.js';
import type { CommandContext } from '../command-context.js';
import { runCommand } from '../command-context.js';
import { integer, jsonOption, keyPrefixOption, schemaOption, urlOption } from '../options.js';

interface CleanupFlags {
  url: string;
  schema: string;
  keyPrefix?: string;
  redisUrl?: string;
  writeMode: 'write-through' | 'write-behind';
  batchSize: number;
  json?: boolean;
}

/**
 * `convstore cleanup`: reclaims expired sessions once and exits; meant for cron. Exit 6 (busy)
 * when another cleanup holds the lock: nothing was done, and the next run will catch up.
 */
export function cleanupCommand(context: CommandContext): Command {
  return new Command('cleanup')
    .description('delete expired sessions and their messages, in short batches, then exit')
    .addOption(urlOption(context.env))
    .addOption(schemaOption())
    .addOption(keyPrefixOption())
    .addOption(
      new Option(
        '--redis-url <url>',
        'the Redis cache of a hybrid deployment: cleanup then runs through the hybrid store, ' +
          'which keeps sessions whose newer expiry or queued messages are still in Redis',
      ).env('REDIS_URL'),
    )
    .addOption(
      new Option('--write-mode <mode>', "the hybrid deployment's cache write mode")
        .choices(['write-through', 'write-behind'])
        .env('CACHE_WRITE_MODE')
        .default('write-through'),
    )
    .option('--batch-size <n>', 'sessions deleted per transaction', integer(1, 100_000), 500)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nOne runner at a time across every process and machine (a PostgreSQL advisory lock):\n' +
        'a second one exits at once with code 6 and says so. From cron, hourly:\n' +
        '  0 * * * * DATABASE_URL=postgres://... convstore cleanup >> /var/log/convstore-cleanup.log 2>&1\n',
    )
    .action((flags: CleanupFlags) =>
      runCommand(context, flags.json, async (output) => {
        // The schema is a deploy step's business: a cleanup never migrates.
        // A write-behind deployment's PostgreSQL lags its Redis: cleaning it without the cache
        // could reclaim live sessions, so with a Redis URL the hybrid store does the cleanup.
        const hybrid = flags.redisUrl !== undefined && !/^rediss?:/.test(flags.url);
        const keyPrefix = flags.keyPrefix === undefined ? {} : { keyPrefix: flags.keyPrefix };
        const store = await createStore({
          url: flags.url,
          schema: flags.schema,
          migrate: false,
          ...(hybrid
            ? {
                cache: {
                  url: flags.redisUrl!,
                  writeMode: flags.writeMode,
                  flusher: false,
                  ...keyPrefix,
                },
              }
            : keyPrefix),
        });
        try {
          const report = await runCleanup(store, { batchSize: flags.batchSize });
          output.result(
            report,
            `deleted ${report.sessions} expired session(s) and ${report.messages} message(s) ` +
              `in ${report.durationMs} ms`,
          );
        } finally {
          await store.close();
        }
      }),
    );
}
