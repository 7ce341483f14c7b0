import { ConvstoreError } from '../../contract/errors.js';
import type { StoreOperation } from '../../contract/store-backend.js';
import type { ConversationStore } from '../../contract/store.js';
import type { ServiceMetrics } from './service-metrics.js';

/** Every operation, from the contract's type: one missing here does not compile. */
const EVERY_OPERATION: Record<StoreOperation, true> = {
  append: true,
  history: true,
  updateMessage: true,
  truncate: true,
  popMessage: true,
  clearMessages: true,
  deleteMessages: true,
  transact: true,
  beginMessage: true,
  checkpointMessage: true,
  finalizeMessage: true,
  createSession: true,
  getSession: true,
  updateSession: true,
  deleteSession: true,
  listSessions: true,
  deleteUser: true,
  putAgent: true,
  listAgents: true,
  cleanupExpired: true,
  ping: true,
  close: true,
};
const TIMED = (Object.keys(EVERY_OPERATION) as StoreOperation[]).filter((op) => op !== 'close');

/**
 * The store with every operation timed into `convstore_store_operation_duration_seconds`. A new
 * object that calls the store's methods on the store itself, so stores with private fields work.
 */
export function instrumentStore(
  store: ConversationStore,
  metrics: ServiceMetrics,
): ConversationStore {
  const timed: Partial<Record<StoreOperation, unknown>> = {};
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
    capabilities: store.capabilities,
    close: () => store.close(),
    ...timed,
  } as ConversationStore;
}
