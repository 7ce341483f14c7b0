import { Command, Option } from 'commander';
import type { MigrationSummary } from '../../jobs/migrate-redis/migrate-redis.js';
import type { SourceFormat } from '../../jobs/migrate-redis/options.js';
import type { CommandContext } from '../command-context.js';
import { onDatabase, runCommand } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { jsonOption } from '../options.js';
import { progressDisplay } from '../progress-display.js';
import { addSettingOptions, readSettings } from '../setting-options.js';

/** The command's own flags; its settings (URLs, schema, prefix, batch size) are read apart. */
interface MigrateRedisFlags {
  format: SourceFormat;
  keyPattern?: string;
  user?: string;
  agent?: string;
  dryRun?: boolean;
  verify?: boolean;
  reimportDiffering?: boolean;
  deleteSource?: boolean;
  progress: boolean;
  json?: boolean;
}

/** `convstore migrate-redis`: Redis (convstore or LangChain layout) -> PostgreSQL. */
export function migrateRedisCommand(context: CommandContext): Command {
  const command = new Command('migrate-redis').description(
    'copy sessions from Redis into PostgreSQL: resumable, idempotent, verifiable (SCAN, never KEYS)',
  );
  return addSettingOptions(command, 'migrate-redis')
    .addOption(
      new Option('--format <format>', "the source's layout (required)")
        .choices(['convstore', 'langchain'])
        .makeOptionMandatory(),
    )
    .option(
      '--key-pattern <glob>',
      'langchain format: SCAN pattern of the history keys (default *; Python apps: message_store:*); ' +
        'with one *, what it matches is the session id',
    )
    .option('--user <id>', 'langchain format: the user who owns the migrated sessions (required)')
    .option('--agent <id>', 'langchain format: the agent of the migrated sessions')
    .option('--dry-run', 'read and count; write nothing (with --verify: compare only)')
    .option('--verify', 'then compare every session with its source; exit 8 on any difference')
    .option(
      '--reimport-differing',
      "with --verify: replace the target's copy of each differing session with the source's " +
        '(one transaction per session, committed only once the new copy verifies)',
    )
    .option('--delete-source', 'then delete the source keys of verified sessions (needs --verify)')
    .option('--no-progress', 'no progress bar or lines on stderr')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nRunning it again (or after a kill) stores each message exactly once, with its source\n' +
        'seq and order. Unreadable sessions are reported by key and skipped whole (exit 9).\n' +
        'A session the source app cleared and restarted differs from the copy an earlier run\n' +
        "made (exit 8); --verify --reimport-differing replaces the target's copy with the\n" +
        "source's, session by session, keeping the old copy unless the new one verifies.\n" +
        'Example:\n' +
        '  convstore migrate-redis --format langchain --user alice --key-pattern "chat:*" \\\n' +
        '    --from redis://127.0.0.1:6379 --to postgres://127.0.0.1/app --verify\n',
    )
    .action((flags: MigrateRedisFlags & Record<string, unknown>) =>
      runCommand(context, flags.json, async (output) => {
        const settings = readSettings('migrate-redis', flags, context.env);
        const to = settings.databaseUrl!;
        const progress = progressDisplay(context.streams.stderr, flags.progress);
        // Loaded only for this command: it brings the Redis and PostgreSQL clients with it.
        const { migrateRedis } = await import('../../jobs/migrate-redis/migrate-redis.js');
        let summary: MigrationSummary;
        try {
          summary = await onDatabase(to, () =>
            migrateRedis({
              from: settings.redisUrl!,
              to,
              schema: settings.schema,
              format: flags.format,
              prefix: settings.redisKeyPrefix,
              ...(flags.keyPattern === undefined ? {} : { keyPattern: flags.keyPattern }),
              ...(flags.user === undefined ? {} : { userId: flags.user }),
              ...(flags.agent === undefined ? {} : { agentId: flags.agent }),
              dryRun: flags.dryRun ?? false,
              verify: flags.verify ?? false,
              reimportDiffering: flags.reimportDiffering ?? false,
              deleteSource: flags.deleteSource ?? false,
              batchSize: settings.migrateBatchSize,
              signal: context.signal,
              onProgress: (event) => progress.update(event),
              onUnreadable: (key, problem) =>
                progress.log(`unreadable, skipped: ${key}: ${problem}`),
              onDifference: (difference) =>
                progress.log(`differs: ${difference.key}: ${difference.problem}`),
              onReimported: (key) => progress.log(`re-imported from the source: ${key}`),
            }),
          );
        } finally {
          progress.stop();
        }
        output.result(summary, describeSummary(summary));
        if (summary.interrupted) return EXIT.interrupted;
        if (summary.verification && summary.verification.differences > 0) {
          return EXIT.verificationFailed;
        }
        return summary.unreadable > 0 ? EXIT.partial : EXIT.ok;
      }),
    );
}

function describeSummary(summary: MigrationSummary): string {
  const lines = [
    summary.dryRun
      ? `dry run: would migrate ${summary.sessions} session(s) with ${summary.messages} message(s)`
      : `migrated ${summary.sessions} session(s) with ${summary.messages} message(s) ` +
        `(${summary.messagesInserted} stored by this run, the rest already there)`,
    `${summary.unreadable} unreadable session(s) skipped, ${summary.ignored} other key(s) ignored`,
  ];
  if (summary.verification) {
    const { sessions, differences, reimported } = summary.verification;
    if (reimported > 0) {
      lines.push(`re-imported ${reimported} differing session(s) from the source, verified`);
    }
    lines.push(
      differences === 0
        ? `verified: all ${sessions} session(s) match their source`
        : `VERIFICATION FAILED: ${differences} of ${sessions} session(s) differ from their source`,
    );
  }
  if (summary.agents > 0) lines.push(`${summary.agents} agent(s) of the catalogue brought along`);
  if (summary.deletedKeys > 0) lines.push(`deleted ${summary.deletedKeys} source key(s)`);
  if (summary.changedBeforeDeleteCount > 0) {
    lines.push(
      `kept ${summary.changedBeforeDeleteCount} session(s) in the source: written to after ` +
        `verification (run again to migrate and delete them): ${summary.changedBeforeDelete.join(', ')}`,
    );
  }
  if (summary.interrupted) lines.push('interrupted: committed batches stay; run again to resume');
  lines.push(`took ${(summary.durationMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
