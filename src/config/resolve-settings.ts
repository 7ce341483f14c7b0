import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../contract/errors.js';
import {
  SETTINGS,
  type CommandSetting,
  type Setting,
  type SettingCommand,
  type SettingUse,
} from './config-fields.js';

/** The rule and the flag a command applies to a setting (see SettingUse). */
export interface ResolvedUse {
  setting: Setting;
  /** The long flag without dashes; null: environment only. */
  flag: string | null;
  required: boolean;
  doc: string;
  schema: Setting['schema'];
}

/** The settings one command takes, in the table's order, with that command's flag and rule. */
export function settingsOf(command: SettingCommand): ResolvedUse[] {
  const uses: ResolvedUse[] = [];
  for (const setting of SETTINGS) {
    const use = (setting.use as Partial<Record<SettingCommand, SettingUse>>)[command];
    if (use === undefined) continue;
    const detail = typeof use === 'object' ? use : {};
    uses.push({
      setting,
      flag: use === false ? null : (detail.flag ?? kebab(setting.key)),
      required: detail.required === true,
      doc: detail.doc ?? setting.doc,
      schema: (detail.schema ?? setting.schema) as Setting['schema'],
    });
  }
  return uses;
}

/** The parsed values of a command's settings, by key. */
export type CommandValues<C extends SettingCommand> = {
  [S in CommandSetting<C> as S['key']]: z.output<S['schema']>;
};

/** Where each value came from: a flag the caller already has (by setting key) or the environment. */
export type GivenValues = Partial<Record<string, string>>;

/**
 * Resolves a command's settings: given (flags) > environment > default, each parsed and checked
 * by the table's rule. Every bad or missing value is collected into one ValidationError naming
 * where it came from (`--port` for a flag, `PORT` for the environment), so a command refuses to
 * start instead of half-working.
 */
export function resolveSettings<C extends SettingCommand>(
  command: C,
  given: GivenValues,
  env: Readonly<Record<string, string | undefined>>,
): CommandValues<C> {
  const values: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const use of settingsOf(command)) {
    const { key, env: name } = use.setting;
    const flagged = given[key];
    const fromEnv = env[name];
    const [raw, source] =
      flagged !== undefined
        ? [flagged, use.flag ? `--${use.flag}` : name]
        : fromEnv !== undefined && fromEnv.trim() !== ''
          ? [fromEnv, name]
          : [use.setting.default, name];
    const parsed = use.schema.safeParse(raw);
    if (!parsed.success) {
      issues.push({ field: source, problem: parsed.error.issues[0]?.message ?? 'is invalid' });
    } else if (use.required && (parsed.data === null || parsed.data === '')) {
      issues.push({
        field: use.flag ? `--${use.flag}` : name,
        problem: `is required (or set ${name})`,
      });
    } else values[key] = parsed.data;
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return values as CommandValues<C>;
}

/** `poolSize` -> `pool-size`. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
