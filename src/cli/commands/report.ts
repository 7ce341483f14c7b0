import { Command, InvalidArgumentError, Option } from 'commander';
import { createStore } from '../../create-store.js';
import { USAGE_GROUPS, type UsageGroup } from '../../contract/usage.js';
import { formatUsage, USAGE_FORMATS, type UsageFormat } from '../../jobs/usage-report.js';
import type { CommandContext } from '../command-context.js';
import { onDatabase, runCommand } from '../command-context.js';
import { storeUrl } from '../options.js';
import { addSettingOptions, readSettings } from '../setting-options.js';

interface ReportFlags extends Record<string, unknown> {
  from: string;
  to: string;
  groupBy: UsageGroup[];
  format: UsageFormat;
  user?: string;
  timeZone?: string;
}

/**
 * `convstore report`: usage (messages, tokens, sessions, active users, latency) over a range,
 * grouped by day, agent, model and/or user, from PostgreSQL or PGlite. Reads only.
 */
export function reportCommand(context: CommandContext): Command {
  const command = new Command('report').description(
    'usage over a time range: messages, tokens, sessions, active users, latency percentiles',
  );
  return addSettingOptions(command, 'report')
    .requiredOption('--from <time>', 'start (inclusive), ISO 8601: 2026-01-01 or 2026-01-01T00:00Z')
    .requiredOption('--to <time>', 'end (exclusive), ISO 8601')
    .addOption(
      new Option('--group-by <list>', `comma-separated: ${USAGE_GROUPS.join(', ')}`)
        .argParser(parseGroups)
        .default([], 'none: one row for the range'),
    )
    .addOption(new Option('--format <format>', 'output').choices(USAGE_FORMATS).default('table'))
    .option('--user <id>', "one user's usage (default: everyone)")
    .option('--time-zone <zone>', 'IANA zone the days are counted in (default UTC)')
    .addHelpText(
      'after',
      '\nExample:\n  convstore report --url postgres://localhost/app --from 2026-01-01 --to 2026-02-01 \\\n' +
        '    --group-by day,model --time-zone Europe/Lisbon --format csv > usage.csv\n',
    )
    .action((flags: ReportFlags) =>
      runCommand(context, flags.format === 'json', async (output) => {
        const settings = readSettings('report', flags, context.env);
        const url = storeUrl(settings);
        // A report never migrates: a schema behind the code is refused, not upgraded.
        const store = await onDatabase(url, () =>
          createStore({ url, schema: settings.schema, migrate: false }),
        );
        try {
          const report = await onDatabase(url, () =>
            store.usage({
              from: flags.from,
              to: flags.to,
              groupBy: flags.groupBy,
              ...(flags.user !== undefined && { userId: flags.user }),
              ...(flags.timeZone !== undefined && { timeZone: flags.timeZone }),
            }),
          );
          output.result(report, formatUsage(report, flags.groupBy, flags.format));
        } finally {
          await store.close();
        }
      }),
    );
}

function parseGroups(value: string): UsageGroup[] {
  const groups = value.split(',').map((part) => part.trim());
  for (const group of groups) {
    if (!(USAGE_GROUPS as readonly string[]).includes(group)) {
      throw new InvalidArgumentError(`"${group}" is not one of ${USAGE_GROUPS.join(', ')}`);
    }
  }
  if (new Set(groups).size !== groups.length) throw new InvalidArgumentError('names one twice');
  return groups as UsageGroup[];
}
