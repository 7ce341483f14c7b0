/**
 * The bench's statements with {{schema}} replaced by one run schema, quoted. The schema name is
 * made by the bench itself (run prefix + a fixed word), never taken from input.
 */
export function renderFor<T extends Record<string, string>>(
  statements: T,
  schema: string,
): { [K in keyof T]: string } {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad bench schema name ${schema}`);
  return Object.fromEntries(
    Object.entries(statements).map(([name, text]) => [
      name,
      text.replaceAll('{{schema}}', `"${schema}"`),
    ]),
  ) as { [K in keyof T]: string };
}
