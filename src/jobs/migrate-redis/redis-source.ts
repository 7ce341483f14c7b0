import { Redis } from 'ioredis';
import { UnavailableError } from '../../contract/errors.js';

/**
 * Connects to the source Redis and checks that it answers, so a wrong URL fails at once with
 * UnavailableError (exit 5) instead of retrying forever. The URL itself is never printed: it may
 * hold a password.
 */
export async function connectSource(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 3,
    retryStrategy: (attempt) => (attempt > 3 ? null : attempt * 200),
  });
  redis.on('error', () => {
    // Failures surface on the command that hit them; this only keeps ioredis from logging.
  });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new UnavailableError('the source Redis does not answer', { cause: error });
  }
}
