import { quoteSchema, renderSql } from '../../stores/sql/schema-name.js';
import type { SqlRunner } from '../../stores/sql/sql-driver.js';
import { toStoreError } from '../../stores/sql/sql-errors.js';
import { AUTH_QUERIES } from './sql.generated.js';

type Queries = { [K in keyof typeof AUTH_QUERIES]: string };

/**
 * The service's own rows (API key hashes, the admin token hash), kept in the store's database and
 * schema (the service's own migration series, see service-migrations.ts), each operation one
 * statement, on the driver the store uses too.
 */
export class AuthStore {
  private readonly sql: Queries;

  constructor(
    private readonly db: SqlRunner,
    schema: string,
  ) {
    const quoted = quoteSchema(schema);
    this.sql = Object.fromEntries(
      Object.entries(AUTH_QUERIES).map(([name, text]) => [name, renderSql(text, quoted)]),
    ) as Queries;
  }

  /** Creates the user when missing and stores the hash of a new key of theirs. */
  async createUserKey(
    userId: string,
    keyHash: string,
  ): Promise<{ userId: string; createdAt: Date }> {
    const [row] = await this.run<{ user_id: string; created_at: Date | string }>(
      this.sql.createUserKey,
      [userId, keyHash],
    );
    return { userId: row!.user_id, createdAt: new Date(row!.created_at) };
  }

  async findKeyOwner(keyHash: string): Promise<string | null> {
    const [row] = await this.run<{ user_id: string }>(this.sql.findKeyOwner, [keyHash]);
    return row?.user_id ?? null;
  }

  async deleteUserKeys(userId: string): Promise<void> {
    await this.run(this.sql.deleteUserKeys, [userId]);
  }

  async storedAdminTokenHash(): Promise<string | null> {
    const [row] = await this.run<{ token_hash: string }>(this.sql.getAdminToken, []);
    return row?.token_hash ?? null;
  }

  /** False when another instance stored a token first. */
  async storeAdminTokenHash(tokenHash: string): Promise<boolean> {
    const rows = await this.run<{ token_hash: string }>(this.sql.createAdminToken, [tokenHash]);
    return rows.length > 0;
  }

  private async run<Row extends object>(text: string, params: unknown[]): Promise<Row[]> {
    try {
      return await this.db.query<Row>(text, params);
    } catch (error) {
      throw toStoreError(error);
    }
  }
}
