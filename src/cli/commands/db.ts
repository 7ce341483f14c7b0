import { Command } from 'commander';
import { ERROR_STATUS } from '../../contract/errors.js';
import {
  databaseStatus,
  migrateDatabase,
  type DatabaseStatus,
  type MigrationPlan,
} from '../../jobs/migrate-database.js';
import type { CommandContext } from '../command-context.js';
import { onDatabase, runCommand } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { jsonOption, storeUrl } from '../options.js';
import { describePolicy } from '../../stores/sql/retention-policy.js';
import { rollupCommand } from './db-rollup.js';
import { addSettingOptions, anyGiven, readSettings, RETENTION_KEYS } from '../setting-options.js';

interface DbFlags {
  json?: boolean;
  dryRun?: boolean;
  service?: boolean;
}

const SERVICE_FLAG = [
  '--service',
  "also the HTTP service's tables (their own series), as the service applies at start",
] as const;

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
    .option(...SERVICE_FLAG)
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
            service: flags.service ?? false,
            ...(settings.partitions !== null && { partitions: settings.partitions }),
            ...(retention ? { retention } : {}),
          }),
        );
        const recorded = plan.retention
          ? `recorded the retention policy: ${describePolicy(plan.retention)}`
          : null;
        const text = [
          planText(plan, 'migration'),
          plan.service && planText(plan.service, 'service migration'),
          recorded,
        ]
          .filter(Boolean)
          .join('\n');
        output.result(plan, text);
      }),
    );

  addSettingOptions(
    db
      .command('status')
      .description('show the applied and pending migrations; exit 7 when not up to date'),
    'db',
    [...RETENTION_KEYS, 'partitions'],
  )
    .option(...SERVICE_FLAG)
    .addOption(jsonOption())
    .action((flags: DbFlags & Record<string, unknown>) =>
      runCommand(context, flags.json, async (output) => {
        const settings = readSettings('db', flags, context.env);
        const url = storeUrl(settings);
        const status = await onDatabase(url, () =>
          databaseStatus({ url, schema: settings.schema, service: flags.service ?? false }),
        );
        output.result(
          status,
          [
            statusText(status, 'migration'),
            status.service && statusText(status.service, 'service migration'),
          ]
            .filter(Boolean)
            .join('\n'),
        );
        // A schema that is behind (or ahead of) this code would make the store refuse to open.
        return status.upToDate ? EXIT.ok : ERROR_STATUS.schema_mismatch.exit;
      }),
    );

  db.addCommand(rollupCommand(context));
  return db;
}

/** `migration` for the store's series, `service migration` for the service's. */
function planText(
  plan: Pick<MigrationPlan, 'schema' | 'dryRun' | 'from' | 'to' | 'steps'>,
  series: string,
): string {
  if (plan.steps.length === 0) {
    return `schema "${plan.schema}" is up to date at ${series} ${plan.from}`;
  }
  return [
    `${plan.dryRun ? 'would apply' : 'applied'} ${plan.steps.length} ${series}(s) ` +
      `to schema "${plan.schema}" (${plan.from} -> ${plan.to}):`,
    ...plan.steps.map((step) => `  ${pad(step.version)} ${step.name}`),
  ].join('\n');
}

function statusText(status: Omit<DatabaseStatus, 'service'>, series: string): string {
  return [
    `schema "${status.schema}": ${series} ${status.current} of ${status.latest}` +
      (status.upToDate ? ' (up to date)' : ''),
    ...status.pending.map((step) => `  pending ${pad(step.version)} ${step.name}`),
  ].join('\n');
}

function pad(version: number): string {
  return String(version).padStart(4, '0');
}
