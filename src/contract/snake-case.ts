/**
 * A contract object (Session, Message) as a row of snake_case columns, every field carried:
 * `messageId` -> `message_id`. The SQL stores write imports with jsonb_populate_record, which
 * matches keys to columns by name, so a field added to the type flows into its column.
 */
export function snakeCaseKeys(object: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [
      key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
      value,
    ]),
  );
}
