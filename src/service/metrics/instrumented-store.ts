import { ConvstoreError } from '../../contract/errors.js';
import type { ConversationStore } from '../../contract/store.js';
import type { ServiceMetrics } from './service-metrics.js';

const TIMED = [
  'append',
  'history',
  'createSession',
  'getSession',
  'updateSession',
  'deleteSession',
  'listSessions',
  'deleteUser',
  'putAgent',
  'listAgents',
  'cleanupExpired',
  'search',
  'ping',
] as const;

/**
 * The store with every operation timed into `convstore_store_operation_duration_seconds`. A new
 * object that calls the store's methods on the store itself, so stores with private fields work.
 */
export function instrumentStore(
  store: ConversationStore,
  metrics: ServiceMetrics,
): ConversationStore {
  const timed: Partial<Record<(typeof TIMED)[number], unknown>> = {};
  for (const operation of TIMED) {
    const original = store[operation].bind(store) as (...args: unknown[]) => Promise<unknown>;
    timed[operation] = async (...args: unknown[]) => {
      const stop = metrics.storeDuration.startTimer({ operation });
      try {
        const result = await original(...args);
        stop({ outcome: 'ok' });
        return result;
      } catch (error) {
        stop({ outcome: error instanceof ConvstoreError ? error.code : 'internal' });
        throw error;
      }
    };
  }
  return {
    kind: store.kind,
    portability: store.portability,
    close: () => store.close(),
    ...timed,
  } as ConversationStore;
}
