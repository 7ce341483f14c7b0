import { SchemaMismatchError } from '../../contract/errors.js';
import { QUERIES } from './queries.generated.js';
import { quoteSchema, renderSql } from './schema-name.js';
import type { SqlRunner } from './sql-driver.js';

/**
 * How a schema's tables are laid out, chosen once, when the schema is created: plain tables, or
 * sessions and messages hash-partitioned by user into `partitions` partitions. A schema keeps its
 * layout for life (PostgreSQL cannot turn a table into a partitioned one in place); moving is a
 * copy into a new schema.
 */
export interface SchemaLayout {
  /** Hash partitions of sessions and messages; undefined: plain tables (or, on an existing
   *  schema, whatever it was created with). */
  partitions?: number | undefined;
}

/** The tables a partitioned layout partitions, as 0001_init.sql creates them. */
const PARTITIONED_TABLES = ['sessions', 'messages'] as const;

/**
 * A migration as it runs in a schema of this layout. 0001_init.sql stays exactly the file that
 * shipped (a shipped migration is never edited): for a partitioned schema its CREATE TABLE of
 * sessions and of messages gets `PARTITION BY HASH (user_id)` after its closing parenthesis here,
 * and a migration that creates neither table runs as written.
 */
export function renderMigration(
  script: string,
  quotedSchema: string,
  layout: SchemaLayout,
): string {
  const laidOut =
    layout.partitions === undefined || !createsPartitionedTables(script)
      ? script
      : PARTITIONED_TABLES.reduce(partitionByUser, script);
  return renderSql(laidOut, quotedSchema);
}

/** Whether a migration is the one that creates the partitioned tables (then partitions follow). */
export function createsPartitionedTables(script: string): boolean {
  return PARTITIONED_TABLES.every((table) => script.includes(createTable(table)));
}

function createTable(table: string): string {
  return `CREATE TABLE {{schema}}.${table} (`;
}

/** The table's statement ends at the first line that closes it (`);` alone on a line). */
function partitionByUser(script: string, table: string): string {
  const start = script.indexOf(createTable(table));
  const end = script.indexOf('\n);', start);
  if (start < 0 || end < 0) throw new Error(`0001_init.sql: no CREATE TABLE ${table} to partition`);
  return `${script.slice(0, end)}\n) PARTITION BY HASH (user_id);${script.slice(end + 3)}`;
}

/** Creates the partitions of sessions and messages, in the migration's transaction. */
export async function createPartitions(
  tx: SqlRunner,
  quotedSchema: string,
  partitions: number,
): Promise<void> {
  await tx.query("SELECT set_config('convstore.partitions', $1, true)", [String(partitions)]);
  await tx.exec(renderSql(QUERIES.createPartitions, quotedSchema));
}

/** The partitions of a schema's messages table: 0 when it is a plain table (or missing). */
export async function readPartitions(driver: SqlRunner, schema: string): Promise<number> {
  const [row] = await driver.query<{ partitions: number }>(QUERIES.schemaPartitions, [
    `${quoteSchema(schema)}.messages`,
  ]);
  return Number(row?.partitions ?? 0);
}

/**
 * Refuses a store whose `partitions` differs from the layout its (existing) schema was created
 * with: silently running another layout than the one asked for would hide a deploy mistake.
 */
export async function assertLayout(
  driver: SqlRunner,
  schema: string,
  layout: SchemaLayout,
): Promise<void> {
  const wanted = layout.partitions;
  if (wanted === undefined) return;
  const actual = await readPartitions(driver, schema);
  if (actual === wanted) return;
  const how =
    `a schema's partitions are chosen when it is created. To move, create a new schema with ` +
    `them (\`convstore db migrate --schema <new> --partitions ${wanted}\`) and copy into it ` +
    `(\`convstore copy --from <url> --from-schema ${schema} --to <url> --to-schema <new> --verify\`)`;
  throw new SchemaMismatchError(
    actual === 0
      ? `schema "${schema}" is not partitioned, but partitions: ${wanted} was asked for: ${how}`
      : `schema "${schema}" has ${actual} partitions, but partitions: ${wanted} was asked for: ${how}`,
  );
}
