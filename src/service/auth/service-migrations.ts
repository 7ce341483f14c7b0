import { parseMigrations, type MigrationSeries } from '../../stores/sql/migrator.js';
import { SERVICE_MIGRATION_FILES } from './migrations.generated.js';

/**
 * The HTTP service's own tables (API key hashes, the admin token hash), in the store's schema
 * but in a series of their own, recorded in `service_migrations` and applied after the store's:
 * a database used only through the library never gets them.
 */
export const SERVICE_MIGRATIONS: MigrationSeries = {
  table: 'service_migrations',
  migrations: parseMigrations(SERVICE_MIGRATION_FILES),
  fix: '`convstore db migrate --service` or start the service with CONVSTORE_MIGRATE=true',
  functions: [],
};
