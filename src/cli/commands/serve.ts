import { Command } from 'commander';
import type { FlatConfig } from '../../config/config-fields.js';
import { toServiceConfig } from '../../config/load-service-config.js';
import { kebab, settingsOf } from '../../config/resolve-settings.js';
import type { CommandContext } from '../command-context.js';
import { runCommand } from '../command-context.js';
import { addSettingOptions, readSettings } from '../setting-options.js';

/**
 * `convstore serve`: the HTTP service. Every setting the service takes is also a flag
 * (`databaseUrl` -> `--database-url`), except the secrets, which come from the environment only
 * (a flag would show in `ps` and shell history); flags override the environment, which overrides
 * the defaults, all from the one settings table. Runs until SIGINT/SIGTERM, then closes
 * gracefully (requests in flight finish, the cleanup schedule stops).
 */
export function serveCommand(context: CommandContext): Command {
  const command = new Command('serve').description(
    'run the HTTP service (settings: flags > environment > defaults)',
  );
  const envOnly = settingsOf('serve')
    .filter((use) => use.flag === null)
    .map((use) => use.setting.env);
  const interval = `--${kebab('cleanupIntervalSeconds')}`;
  const rollupInterval = `--${kebab('usageRollupIntervalSeconds')}`;
  addSettingOptions(command, 'serve').addHelpText(
    'after',
    `\nEnvironment only (never flags): ${envOnly.join(', ')}.\n` +
      'The expired-session cleanup runs in-process every CLEANUP_INTERVAL seconds (with jitter);\n' +
      `${interval} 0 turns it off, e.g. when cron runs \`convstore cleanup\` instead.\n` +
      'Usage is rolled up for reports every USAGE_ROLLUP_INTERVAL seconds, to five minutes ago;\n' +
      `${rollupInterval} 0 turns it off, e.g. when cron runs \`convstore db rollup\` instead.\n`,
  );
  return command.action((flags: Record<string, unknown>) =>
    runCommand(context, false, async (output) => {
      const config = toServiceConfig(readSettings('serve', flags, context.env) as FlatConfig);
      const { startService } = await import('../../service/start-service.js');
      const service = await startService(config, {
        say: (line: string) => output.result(line, line),
      });
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      output.note('convstore: stopping: finishing requests in flight, then closing');
      await service.close();
      output.note('convstore: stopped');
    }),
  );
}
