import { z } from 'zod';
import { SCHEMA_PATTERN, SCHEMA_RULE } from '../stores/sql/schema-name.js';

// The validators of the settings table. Every setting arrives as a string (a flag, an environment
// variable or its default); each validator parses and checks it: '' means unset.

/** Environment values are strings: '' means unset, numbers and booleans are parsed here. */
function fromString(parse: (raw: string) => unknown) {
  return (value: unknown) => (typeof value === 'string' ? parse(value.trim()) : value);
}

export function count(min: number, max: number) {
  return z.preprocess(
    fromString((raw) => (raw === '' ? undefined : Number(raw))),
    z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );
}

export function port() {
  return count(0, 65_535);
}

/** Unset, empty or 0 mean "no limit" (null). */
export function optionalCount(max: number) {
  return z.preprocess(
    fromString((raw) => (raw === '' || raw === 'none' ? null : Number(raw))),
    z
      .number({ error: 'must be a whole number of seconds or items (0: none)' })
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .max(max, `must be at most ${max}`)
      .nullable()
      .transform((value) => (value === 0 ? null : value)),
  );
}

/** Unset or empty mean "the default another setting implies" (null); else at least 1. */
export function optionalPositive(max: number) {
  return z.preprocess(
    fromString((raw) => (raw === '' ? null : Number(raw))),
    z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(max, `must be at most ${max}`)
      .nullable(),
  );
}

/** Unset or empty mean "none" (null); else a whole number from min to max. */
export function optionalRange(min: number, max: number) {
  return z.preprocess(
    fromString((raw) => (raw === '' ? null : Number(raw))),
    z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .nullable(),
  );
}

export function bool() {
  const words: Record<string, boolean> = {
    true: true,
    '1': true,
    yes: true,
    false: false,
    '0': false,
    no: false,
  };
  return z.preprocess(
    fromString((raw) => words[raw.toLowerCase()] ?? raw),
    z.boolean({ error: 'must be true or false' }),
  );
}

export function text() {
  return z.string().min(1, 'must not be empty');
}

export function optionalText(minLength: number) {
  return z.preprocess(
    fromString((raw) => (raw === '' ? null : raw)),
    z.string().min(minLength, `must be at least ${minLength} characters`).nullable(),
  );
}

export function url(pattern: RegExp, expected: string) {
  return z.preprocess(
    fromString((raw) => (raw === '' ? null : raw)),
    z.string().regex(pattern, `must start with ${expected}`).nullable(),
  );
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const list = values.join(', ');
  return z.preprocess(
    fromString((raw) => raw),
    z.enum(values, { error: `must be one of ${list}` }),
  );
}

export function schemaName() {
  return z.string().regex(SCHEMA_PATTERN, SCHEMA_RULE);
}

export function keyPrefix() {
  return z
    .string()
    .regex(/^[A-Za-z0-9._:-]{0,64}$/, 'must be 0-64 characters from A-Z a-z 0-9 . _ : -');
}
