import { Command } from 'commander';
import { ERROR_STATUS } from '../../contract/errors.js';
import { databaseStatus, migrateDatabase } from '../../jobs/migrate-database.js';
import type { CommandContext } from '../command-context.js';
import { runCommand } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { jsonOption, schemaOption, urlOption } from '../options.js';

interface DbFlags {
  url: string;
  schema: string;
  json?: boolean;
  dryRun?: boolean;
}

/** `convstore db migrate [--dry-run]` and `convstore db status`. */
export function dbCommand(context: CommandContext): Command {
  const db = new Command('db').description('database schema: apply or inspect migrations');

  db.command('migrate')
    .description('apply pending migrations (a deploy step), under an advisory lock')
    .addOption(urlOption(context.env))
    .addOption(schemaOption())
    .option('--dry-run', 'print the plan; change nothing')
    .addOption(jsonOption())
    .action((flags: DbFlags) =>
      runCommand(context, flags.json, async (output) => {
        const plan = await migrateDatabase({
          url: flags.url,
          schema: flags.schema,
          dryRun: flags.dryRun ?? false,
        });
        const steps = plan.steps.map((step) => `  ${pad(step.version)} ${step.name}`);
        const text =
          plan.steps.length === 0
            ? `schema "${plan.schema}" is up to date at migration ${plan.from}`
            : [
                `${plan.dryRun ? 'would apply' : 'applied'} ${plan.steps.length} migration(s) ` +
                  `to schema "${plan.schema}" (${plan.from} -> ${plan.to}):`,
                ...steps,
              ].join('\n');
        output.result(plan, text);
      }),
    );

  db.command('status')
    .description('show the applied and pending migrations; exit 7 when not up to date')
    .addOption(urlOption(context.env))
    .addOption(schemaOption())
    .addOption(jsonOption())
    .action((flags: DbFlags) =>
      runCommand(context, flags.json, async (output) => {
        const status = await databaseStatus({ url: flags.url, schema: flags.schema });
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
