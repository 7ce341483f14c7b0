import { ValidationError, type FieldIssue } from '../contract/errors.js';
import { CONFIG_FIELDS, type FlatConfig } from './config-fields.js';
import type { ServiceConfig } from './service-config.js';

export type ConfigOverrides = Partial<FlatConfig>;

/**
 * Resolves the service's settings in one place: overrides (the CLI's flags) > environment >
 * defaults (CONFIG_FIELDS). Every value is checked; a bad one throws a ValidationError naming the
 * variable and the rule, e.g. `PORT: must be at most 65535`, so the service refuses to start
 * instead of half-working.
 */
export function loadServiceConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: ConfigOverrides = {},
): ServiceConfig {
  const flat: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const field of CONFIG_FIELDS) {
    const override = (overrides as Record<string, unknown>)[field.key];
    const fromEnv = env[field.env];
    const raw =
      override !== undefined
        ? override
        : fromEnv !== undefined && fromEnv.trim() !== ''
          ? fromEnv
          : field.default;
    const parsed = field.schema.safeParse(raw);
    if (parsed.success) flat[field.key] = parsed.data;
    else
      issues.push({ field: field.env, problem: parsed.error.issues[0]?.message ?? 'is invalid' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return group(flat as FlatConfig);
}

function group(flat: FlatConfig): ServiceConfig {
  const {
    maxContentBytes,
    maxMetadataBytes,
    maxMessagesPerAppend,
    maxPageSize,
    maxDataBytes,
    ...rest
  } = flat;
  return {
    ...rest,
    limits: { maxContentBytes, maxMetadataBytes, maxMessagesPerAppend, maxPageSize, maxDataBytes },
  };
}
