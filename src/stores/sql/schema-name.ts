import { ValidationError } from '../../contract/errors.js';

export const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
export const SCHEMA_RULE =
  'must be 1-63 characters of lowercase letters, digits and _, not starting with a digit';

/**
 * The only value ever interpolated into SQL: a schema name checked against a strict pattern and
 * then quoted. Everything else travels as a parameter.
 */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_PATTERN.test(schema)) {
    throw ValidationError.field('schema', SCHEMA_RULE);
  }
  return `"${schema}"`;
}

/** Puts the quoted schema into a statement or script written with `{{schema}}`. */
export function renderSql(text: string, quotedSchema: string): string {
  return text.replaceAll('{{schema}}', quotedSchema);
}
