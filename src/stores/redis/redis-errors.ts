import { ConvstoreError, InternalError, UnavailableError } from '../../contract/errors.js';
import { SOCKET_ERROR_CODES } from '../socket-errors.js';

/**
 * Turns an ioredis error into the store's typed errors. The original stays as `cause`; its text
 * is not copied, since a server reply can echo arguments, and arguments hold users' words.
 */
export function toRedisStoreError(error: unknown): ConvstoreError {
  if (error instanceof ConvstoreError) return error;
  if (isRedisUnavailable(error)) {
    return new UnavailableError('redis is unavailable', { cause: error });
  }
  const kind = error instanceof Error ? error.name : typeof error;
  return new InternalError(`unexpected redis error (${kind})`, { cause: error });
}

/** Connection trouble (refused, reset, closed, offline queue off, cluster down) or a loading server. */
export function isRedisUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) return true;
  if (name === 'MaxRetriesPerRequestError' || name === 'ClusterAllFailedError') return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((text) => message.includes(text));
}

const UNAVAILABLE_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'enableOfflineQueue',
  'LOADING',
  'CLUSTERDOWN',
  'TRYAGAIN',
  'None of startup nodes is available',
  'Command timed out',
  'MASTERDOWN',
];
