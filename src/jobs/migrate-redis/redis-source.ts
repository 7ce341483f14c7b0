import { UnavailableError } from '../../contract/errors.js';
import { openRedisConnection } from '../../stores/redis/redis-connection.js';
import type { SourceConnection } from './source-connection.js';

/**
 * Connects to the source (one Redis, or a cluster with `redis+cluster://`) and checks that it
 * answers, so a wrong URL fails at once with UnavailableError (exit 5) instead of retrying
 * forever. The URL itself is never printed: it may hold a password.
 */
export async function connectSource(url: string): Promise<SourceConnection> {
  const connection = await openRedisConnection({ url, failFast: false });
  try {
    await connection.ping();
    return connection;
  } catch (error) {
    connection.disconnect();
    throw new UnavailableError('the source Redis does not answer', { cause: error });
  }
}
