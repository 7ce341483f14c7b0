import { Command } from 'commander';
import { createStore } from '../../create-store.js';
import { runCleanup } from '../../jobs/cleanup.js';
import type { CommandContext } from '../command-context.js';
import { onDatabase, runCommand } from '../command-context.js';
import { jsonOption, storeUrl } from '../options.js';
import { addSettingOptions, anyGiven, readSettings, RETENTION_KEYS } from '../setting-options.js';

/**
 * `convstore cleanup`: reclaims expired sessions once and exits; meant for cron. Exit 6 (busy)
 * when another cleanup holds the lock: nothing was done, and the next run will catch up.
 */
export function cleanupCommand(context: CommandContext): Command {
  const command = new Command('cleanup').description(
    'delete expired sessions and their messages, in short batches, then exit',
  );
  return addSettingOptions(command, 'cleanup')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nOne runner at a time across every process and machine (a PostgreSQL advisory lock):\n' +
        'a second one exits at once with code 6 and says so. From cron, hourly:\n' +
        '  0 * * * * DATABASE_URL=postgres://... convstore cleanup >> /var/log/convstore-cleanup.log 2>&1\n',
    )
    .action((flags: { json?: boolean } & Record<string, unknown>) =>
      runCommand(context, flags.json, async (output) => {
        const settings = readSettings('cleanup', flags, context.env);
        const url = storeUrl(settings);
        // The schema is a deploy step's business: a cleanup never migrates.
        // A write-behind deployment's PostgreSQL lags its Redis: cleaning it without the cache
        // could reclaim live sessions, so with a Redis URL the hybrid store does the cleanup.
        const redisStore = /^redis(s|\+cluster)?:/.test(url);
        const hybrid = settings.redisUrl !== null && !redisStore;
        const own = {
          ttlSeconds: settings.conversationTtl,
          maxHistory: settings.maxConversationHistory,
          cacheWindow: settings.cacheWindow,
        };
        // The same retention as the service: the policy it stored in the database.
        const policy = redisStore
          ? own
          : await onDatabase(url, async () => {
              const { resolveRetention } = await import('../../jobs/retention.js');
              const given = anyGiven('cleanup', RETENTION_KEYS, flags, context.env);
              return resolveRetention(url, settings.schema, own, given, (line) =>
                output.note(line),
              );
            });
        const store = await onDatabase(url, () =>
          createStore({
            url,
            schema: settings.schema,
            ttlSeconds: policy.ttlSeconds,
            maxHistory: policy.maxHistory,
            migrate: false,
            poolSize: settings.poolSize,
            lockTimeoutMs: settings.lockTimeoutMs,
            ...(hybrid
              ? {
                  cache: {
                    url: settings.redisUrl!,
                    writeMode: settings.cacheWriteMode,
                    flusher: false,
                    keyPrefix: settings.redisKeyPrefix,
                    ...(policy.cacheWindow === null ? {} : { window: policy.cacheWindow }),
                  },
                }
              : redisStore
                ? { keyPrefix: settings.redisKeyPrefix }
                : {}),
          }),
        );
        try {
          const report = await onDatabase(url, () =>
            runCleanup(store, { batchSize: settings.cleanupBatchSize }),
          );
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
