import { ValidationError, type FieldIssue } from '../contract/errors.js';
import { CONFIG_FIELDS, type FlatConfig } from './config-fields.js';
import type { ServiceConfig } from './service-config.js';

export type ConfigOverrides = Partial<FlatConfig>;

/**
 * Resolves the service's settings in one place: overrides > environment > defaults (the settings
 * table). Every value is checked; a bad one throws a ValidationError naming the variable and the
 * rule, e.g. `PORT: must be at most 65535`, so the service refuses to start instead of
 * half-working. (`convstore serve` resolves its flags with resolveSettings, the same table.)
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
  return toServiceConfig(flat as FlatConfig);
}

/** Groups the flat settings into the service's configuration (the limits are one object). */
export function toServiceConfig(flat: FlatConfig): ServiceConfig {
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
