import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_STORE_OPTIONS } from '../options.js';

/**
 * The options several commands share. Each resolves flag > environment variable > default
 * (commander's `.env()`), and `--help` shows all three.
 */
export const ENV = {
  url: 'DATABASE_URL',
  schema: 'CONVSTORE_SCHEMA',
} as const;

export function urlOption(): Option {
  return new Option('--url <url>', 'database: postgres://... or pglite://<dir>')
    .env(ENV.url)
    .default(DEFAULT_STORE_OPTIONS.url);
}

export function schemaOption(): Option {
  return new Option('--schema <name>', 'PostgreSQL schema holding the tables')
    .env(ENV.schema)
    .default(DEFAULT_STORE_OPTIONS.schema);
}

export function jsonOption(): Option {
  return new Option('--json', 'print one JSON document on stdout, for scripts');
}

/** A commander parser for whole numbers in [min, max]; anything else is a usage error (exit 2). */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return parsed;
  };
}

/** A commander parser for a number in [min, max] (fractions allowed). */
export function decimal(min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`must be a number from ${min} to ${max}`);
    }
    return parsed;
  };
}
