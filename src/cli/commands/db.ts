import { Command } from 'commander';
import { ERROR_STATUS } from '../../contract/errors.js';
import { databaseStatus, migrateDatabase } from '../../jobs/migrate-database.js';
import type { CommandContext } from '../command-context.js';
import { onDatabase, runCommand } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { jsonOption, storeUrl } from '../options.js';
import { describePolicy } from '../../stores/sql/retention-policy.js';
import { addSettingOptions, anyGiven, readSettings, RETENTION_KEYS } from '../setting-options.js';

interface DbFlags {
  json?: boolean;
  dryRun?: boolean;
}

/** `convstore db migrate [--dry-run]` and `convstore db status`. */
export function dbCommand(context: CommandContext): Command {
  const db = new Command('db').description('database schema: apply or inspect migrations');

  addSettingOptions(
    db
      .command('migrate')
      .description('apply pending migrations (a deploy step), under an advisory lock'),
    'db',
  )
    .option('--dry-run', 'print the plan; change nothing')
    .addOption(jsonOption())
    .action((flags: DbFlags & Record<string, unknown>) =>
      runCommand(context, flags.json, async (output) => {
        const settings = readSettings('db', flags, context.env);
        const url = storeUrl(settings);
        // The deploy step records the retention policy it is given (the service records its own
        // at every start); with none given it leaves the stored one alone.
        const retention = anyGiven('db', RETENTION_KEYS, flags, context.env)
          ? {
              ttlSeconds: settings.conversationTtl,
              maxHistory: settings.maxConversationHistory,
              cacheWindow: settings.cacheWindow,
            }
          : undefined;
        const plan = await onDatabase(url, () =>
          migrateDatabase({
            url,
            schema: settings.schema,
            dryRun: flags.dryRun ?? false,
            ...(retention ? { retention } : {}),
          }),
        );
        const steps = plan.steps.map((step) => `  ${pad(step.version)} ${step.name}`);
        const text =
          plan.steps.length === 0
            ? `schema "${plan.schema}" is up to date at migration ${plan.from}`
            : [
                `${plan.dryRun ? 'would apply' : 'applied'} ${plan.steps.length} migration(s) ` +
                  `to schema "${plan.schema}" (${plan.from} -> ${plan.to}):`,
                ...steps,
              ].join('\n');
        const recorded = plan.retention
          ? `\nrecorded the retention policy: ${describePolicy(plan.retention)}`
          : '';
        output.result(plan, text + recorded);
      }),
    );

  addSettingOptions(
    db
      .command('status')
      .description('show the applied and pending migrations; exit 7 when not up to date'),
    'db',
    RETENTION_KEYS,
  )
    .addOption(jsonOption())
    .action((flags: DbFlags & Record<string, unknown>) =>
      runCommand(context, flags.json, async (output) => {
        const settings = readSettings('db', flags, context.env);
        const url = storeUrl(settings);
        const status = await onDatabase(url, () =>
          databaseStatus({ url, schema: settings.schema }),
        );
        const pending = status.pending.map((step) => `  pending ${pad(step.version)} ${step.name}`);
        output.result(
          status,
          [
            `schema "${status.schema}": migration ${status.current} of ${status.latest}` +
              (status.upToDate ? ' (up to date)' : ''),
            ...pending,
          ].join('\n'),
        );
        // A schema that is behind (or ahead of) this code would make the store refuse to open.
        return status.upToDate ? EXIT.ok : ERROR_STATUS.schema_mismatch.exit;
      }),
    );

  return db;
}

function pad(version: number): string {
  return String(version).padStart(4, '0');
}
