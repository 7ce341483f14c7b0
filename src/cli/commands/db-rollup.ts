import { Command, InvalidArgumentError } from 'commander';
import { createStore } from '../../create-store.js';
import { ValidationError } from '../../contract/errors.js';
import type { UsageRollupReport } from '../../contract/usage-rollup.js';
import { runUsageRollup } from '../../jobs/usage-rollup.js';
import type { CommandContext } from '../command-context.js';
import { onDatabase, runCommand } from '../command-context.js';
import { jsonOption, storeUrl } from '../options.js';
import { addSettingOptions, readSettings, RETENTION_KEYS } from '../setting-options.js';

interface RollupFlags extends Record<string, unknown> {
  json?: boolean;
  from?: Date;
  to?: Date;
}

/**
 * `convstore db rollup [--from --to]`: rolls usage up to five minutes ago (what the service does
 * every few minutes); with a range, rebuilds it from the messages as they are now.
 */
export function rollupCommand(context: CommandContext): Command {
  const command = new Command('rollup').description(
    'roll usage up to five minutes ago for reports; --from/--to rebuild that range',
  );
  return addSettingOptions(command, 'db', RETENTION_KEYS)
    .option('--from <time>', 'rebuild from (ISO 8601, rounded down to the hour)', parseTime)
    .option('--to <time>', 'rebuild until (exclusive; ISO 8601)', parseTime)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nExamples:\n  convstore db rollup --url postgres://localhost/app\n' +
        '  convstore db rollup --url postgres://localhost/app --from 2026-11-01 --to 2026-11-08\n',
    )
    .action((flags: RollupFlags) =>
      runCommand(context, flags.json, async (output) => {
        if ((flags.from === undefined) !== (flags.to === undefined)) {
          throw ValidationError.field(
            flags.from ? 'to' : 'from',
            'a rebuild needs both --from and --to',
          );
        }
        if (flags.from && flags.to && flags.to <= flags.from) {
          throw ValidationError.field('to', 'must be after --from');
        }
        const settings = readSettings('db', flags, context.env);
        const url = storeUrl(settings);
        // Like a report, it never migrates: a schema behind the code is refused.
        const store = await onDatabase(url, () =>
          createStore({ url, schema: settings.schema, migrate: false }),
        );
        try {
          const report = await onDatabase(url, () =>
            runUsageRollup(
              store,
              flags.from && flags.to ? { rebuild: { from: flags.from, to: flags.to } } : {},
            ),
          );
          output.result(report, rollupText(report));
        } finally {
          await store.close();
        }
      }),
    );
}

function parseTime(value: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new InvalidArgumentError('not an ISO 8601 time');
  return time;
}

function rollupText(report: UsageRollupReport): string {
  const until = report.rolledUntil ? report.rolledUntil.toISOString() : 'nothing yet';
  const rebuilt = report.marked > 0 ? `, ${report.marked} hour(s) marked for rebuild` : '';
  return (
    `usage rolled up until ${until}: ${Number(report.hours.toFixed(2))} new hour(s), ${report.dirtyHours} ` +
    `hour(s) rolled up again${rebuilt}, ${report.rows} row(s) written in ${report.durationMs} ms`
  );
}
