import { Command } from 'commander';
import { NotFoundError } from '../../contract/errors.js';
import type { CommandContext } from '../command-context.js';
import { onDatabase, runCommand } from '../command-context.js';
import { jsonOption } from '../options.js';
import { addSettingOptions, anyGiven, readSettings, RETENTION_KEYS } from '../setting-options.js';

interface FlushFlags {
  once?: boolean;
  json?: boolean;
}

/**
 * `convstore flush`: the hybrid store's write-behind flusher as its own process. It writes the
 * Redis Stream into PostgreSQL with the same settings the store uses (the same environment
 * variables as the service), acknowledging entries only after the commit; several may run at
 * once. It trims and expires by the retention policy the service stored in the database (its own
 * --ttl/--max-history only where none is stored). Runs until SIGINT/SIGTERM, or with --once writes what is queued and exits. It never
 * creates the queue: with none under its key prefix, --once exits 3 and the long-running
 * flusher says so and waits for it.
 */
export function flushCommand(context: CommandContext): Command {
  const command = new Command('flush').description(
    'run the write-behind flusher (hybrid store): Redis Stream -> PostgreSQL',
  );
  return addSettingOptions(command, 'flush')
    .option('--once', 'write what is queued now, then exit')
    .addOption(jsonOption())
    .action((flags: FlushFlags & Record<string, unknown>) =>
      runCommand(context, flags.json, async (output) => {
        const settings = readSettings('flush', flags, context.env);
        const url = settings.databaseUrl!;
        const redisUrl = settings.redisUrl!;
        const prefix = settings.redisKeyPrefix;
        // Loaded only for this command: they bring the PostgreSQL and Redis clients with them.
        const [{ findFlushQueue }, { resolveRetention }, { runFlusher }] = await Promise.all([
          import('../../jobs/flush-queue.js'),
          import('../../jobs/retention.js'),
          import('../../stores/hybrid/run-flusher.js'),
        ]);
        const found = await findFlushQueue({
          redisUrl,
          keyPrefix: prefix,
          wait: !flags.once,
          signal: context.signal,
          onMissing: (stream) =>
            output.note(
              `convstore: no write-behind queue under the key prefix "${prefix}" (no ${stream} ` +
                `in Redis)${flags.once ? '' : '; waiting for it'}. Is REDIS_KEY_PREFIX the service's?`,
            ),
        });
        if (!found && flags.once) {
          throw new NotFoundError(
            `no write-behind queue under the key prefix "${prefix}": nothing was flushed`,
          );
        }
        const report = found
          ? await onDatabase(url, async () => {
              const policy = await resolveRetention(
                url,
                settings.schema,
                {
                  ttlSeconds: settings.conversationTtl,
                  maxHistory: settings.maxConversationHistory,
                  cacheWindow: null,
                },
                anyGiven('flush', RETENTION_KEYS, flags, context.env),
                (line) => output.note(line),
              );
              return runFlusher({
                url,
                schema: settings.schema,
                maxHistory: policy.maxHistory,
                ttlSeconds: policy.ttlSeconds,
                cache: {
                  url: redisUrl,
                  writeMode: 'write-behind',
                  keyPrefix: prefix,
                  cacheTtlSeconds: settings.cacheTtlSeconds,
                  flushBatchSize: settings.flushBatchSize,
                  claimIdleMs: settings.flushClaimIdleMs,
                  ...(policy.cacheWindow === null ? {} : { window: policy.cacheWindow }),
                },
                signal: context.signal,
                once: flags.once ?? false,
                log: (message) => output.note(message),
              });
            })
          : { flushed: 0, failures: 0, discarded: 0 };
        output.result(
          report,
          `flushed ${report.flushed} stream entr${report.flushed === 1 ? 'y' : 'ies'} ` +
            `(${report.failures} failed batch(es) retried)`,
        );
      }),
    );
}
