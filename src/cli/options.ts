import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_STORE_OPTIONS } from '../options.js';

/**
 * The options several commands share. Each resolves flag > environment variable > default
 * (commander's `.env()`), and `--help` shows all three.
 */
export const ENV = {
  url: 'DATABASE_URL',
  schema: 'CONVSTORE_SCHEMA',
  dataDir: 'DATA_DIR',
  keyPrefix: 'CONVSTORE_KEY_PREFIX',
} as const;

/** The store: DATABASE_URL, else PGlite in DATA_DIR, as the service resolves it. */
export function urlOption(env: NodeJS.ProcessEnv = process.env): Option {
  const dataDir = env[ENV.dataDir];
  return new Option('--url <url>', 'store: postgres://..., pglite://<dir> or redis://...')
    .env(ENV.url)
    .default(dataDir ? `pglite://${dataDir}` : DEFAULT_STORE_OPTIONS.url);
}

export function keyPrefixOption(): Option {
  return new Option('--key-prefix <prefix>', 'redis store: the prefix of every key').env(
    ENV.keyPrefix,
  );
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
