import { Command, Option } from 'commander';
import { CONFIG_FIELDS, type ConfigOverrides } from '../../config/index.js';
import { loadServiceConfig } from '../../config/load-service-config.js';
import type { CommandContext } from '../command-context.js';
import { runCommand } from '../command-context.js';

/** Secrets are taken from the environment only: a flag would show in `ps` and shell history. */
const ENV_ONLY = new Set<string>(['adminToken', 'jwtSecret']);

/**
 * `convstore serve`: the HTTP service. Every setting of the service's one table (CONFIG_FIELDS)
 * is also a flag (`databaseUrl` -> `--database-url`); flags override the environment, which
 * overrides the defaults, all resolved by the service's own loader. Runs until SIGINT/SIGTERM,
 * then closes gracefully (requests in flight finish, the cleanup schedule stops).
 */
export function serveCommand(context: CommandContext): Command {
  const command = new Command('serve').description(
    'run the HTTP service (settings: flags > environment > defaults)',
  );
  for (const field of CONFIG_FIELDS) {
    if (ENV_ONLY.has(field.key)) continue;
    const defaultText = field.default === '' ? 'unset' : JSON.stringify(field.default);
    command.addOption(
      new Option(
        `--${kebab(field.key)} <value>`,
        `${field.doc} (env: ${field.env}, default: ${defaultText})`,
      ),
    );
  }
  command.addHelpText(
    'after',
    '\nEnvironment only (never flags): CONVSTORE_ADMIN_TOKEN, JWT_SECRET.\n' +
      'The expired-session cleanup runs in-process every CLEANUP_INTERVAL seconds (with jitter);\n' +
      '--cleanup-interval 0 turns it off, e.g. when cron runs `convstore cleanup` instead.\n',
  );
  return command.action((flags: Record<string, string>) =>
    runCommand(context, false, async (output) => {
      const overrides: Record<string, string> = {};
      for (const field of CONFIG_FIELDS) {
        const value = flags[field.key];
        if (value !== undefined) overrides[field.key] = value;
      }
      const config = loadServiceConfig(context.env, overrides as ConfigOverrides);
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

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
