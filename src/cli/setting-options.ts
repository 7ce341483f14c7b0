import { InvalidArgumentError, Option, type Command } from 'commander';
import type { SettingCommand } from '../config/config-fields.js';
import {
  resolveSettings,
  settingsOf,
  type CommandValues,
  type GivenValues,
} from '../config/resolve-settings.js';

/**
 * Adds a command's settings to it as flags, all from the settings table: the flag's name, its
 * one line of help, the environment variable, the default and whether it is required, so --help
 * cannot drift from what the command reads. A flag's value is checked by the setting's own rule
 * as it is parsed (a bad one is a usage error, exit 2); the environment and the defaults are
 * resolved when the command runs (readSettings), by the same table.
 */
export function addSettingOptions(
  command: Command,
  name: SettingCommand,
  omit: readonly string[] = [],
): Command {
  for (const use of settingsOf(name)) {
    if (use.flag === null || omit.includes(use.setting.key)) continue;
    const { env, default: fallback } = use.setting;
    const where = [
      fallback === '' ? null : `default: ${JSON.stringify(fallback)}`,
      `env: ${env}`,
      use.required ? 'required' : null,
    ].filter(Boolean);
    const option = new Option(
      `--${use.flag} ${use.setting.arg}`,
      `${use.doc} (${where.join(', ')})`,
    ).argParser((value: string) => {
      const parsed = use.schema.safeParse(value);
      if (!parsed.success) {
        throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'is invalid');
      }
      return value;
    });
    command.addOption(option);
  }
  return command;
}

/** The command's settings: its flags (as commander parsed them) > the environment > defaults. */
export function readSettings<C extends SettingCommand>(
  name: C,
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): CommandValues<C> {
  const given: GivenValues = {};
  for (const use of settingsOf(name)) {
    if (use.flag === null) continue;
    const value = flags[attributeName(use.flag)];
    if (typeof value === 'string') given[use.setting.key] = value;
  }
  return resolveSettings(name, given, env);
}

/** The settings that make up the retention policy (see 0006_retention_policy.sql). */
export const RETENTION_KEYS = ['conversationTtl', 'maxConversationHistory', 'cacheWindow'] as const;

/**
 * Whether any of the settings was given, by flag or environment (not left to its default): a job
 * records or overrides what the deployment set, never a default it merely fell back to.
 */
export function anyGiven(
  name: SettingCommand,
  keys: readonly string[],
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): boolean {
  return settingsOf(name).some((use) => {
    if (!keys.includes(use.setting.key)) return false;
    if (use.flag !== null && typeof flags[attributeName(use.flag)] === 'string') return true;
    const value = env[use.setting.env];
    return value !== undefined && value.trim() !== '';
  });
}

/** commander's property for a flag: `--key-prefix` -> `keyPrefix`. */
function attributeName(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
