import { InvalidArgumentError, Option } from 'commander';

/**
 * What several commands share besides their settings (which come from the settings table, see
 * setting-options.ts).
 */
export function jsonOption(): Option {
  return new Option('--json', 'print exactly one JSON document on stdout, for scripts');
}

/** The store a command opens: DATABASE_URL, else PGlite in DATA_DIR, as the service resolves it. */
export function storeUrl(values: { databaseUrl: string | null; dataDir: string }): string {
  return values.databaseUrl ?? `pglite://${values.dataDir}`;
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
