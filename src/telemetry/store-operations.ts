import type { ConversationStore } from '../contract/store.js';
import { ATTR, type TelemetryAttributes } from './attributes.js';

/** The names of ConversationStore's methods (everything but `kind`). */
export type StoreOperation = {
  [K in keyof ConversationStore]: ConversationStore[K] extends (...args: never[]) => unknown
    ? K
    : never;
}[keyof ConversationStore];

/**
 * What the telemetry reads from one operation, beyond its name, time and outcome: counts taken
 * from the input and the result. Never content, never ids (see attributes.ts).
 */
export interface OperationSpec<K extends StoreOperation> {
  input?: (input: Parameters<ConversationStore[K]>[0]) => TelemetryAttributes;
  result?: (result: Awaited<ReturnType<ConversationStore[K]>>) => TelemetryAttributes;
}

export type OperationTable = { readonly [K in StoreOperation]: OperationSpec<K> };

const rows = (count: number): TelemetryAttributes => ({ [ATTR.dbReturnedRows]: count });
const deleted = (counts: { sessions: number; messages: number }): TelemetryAttributes => ({
  [ATTR.deletedSessions]: counts.sessions,
  [ATTR.deletedMessages]: counts.messages,
});

/**
 * Every operation of the store contract, each traced and timed by instrumentStore. Typed against
 * ConversationStore: a method added to the contract and missing here (or one left here after it
 * is removed) fails to compile. A new operation is one line; `{}` when it has nothing to count.
 */
export const STORE_OPERATIONS = {
  append: {
    input: (input) => ({ [ATTR.appendMessages]: input.messages.length }),
    result: (result) => ({ [ATTR.appendInserted]: result.inserted }),
  },
  history: { result: (messages) => rows(messages.length) },
  updateMessage: {},
  truncate: { result: (result) => ({ [ATTR.deletedMessages]: result.deleted }) },
  popMessage: { result: (message) => rows(message ? 1 : 0) },
  clearMessages: { result: (result) => ({ [ATTR.deletedMessages]: result.deleted }) },
  deleteMessages: { result: (result) => ({ [ATTR.deletedMessages]: result.deleted }) },
  transact: {
    result: (result) => ({ [ATTR.appendInserted]: result.replayed ? 0 : result.messages.length }),
  },
  beginMessage: {},
  checkpointMessage: {},
  finalizeMessage: {},
  createSession: {},
  getSession: { result: (session) => rows(session ? 1 : 0) },
  updateSession: {},
  deleteSession: { result: (found) => ({ [ATTR.deletedSessions]: found ? 1 : 0 }) },
  listSessions: { result: (page) => rows(page.sessions.length) },
  deleteUser: { result: deleted },
  putAgent: {},
  listAgents: { result: (agents) => rows(agents.length) },
  cleanupExpired: { result: deleted },
  search: { result: (page) => rows(page.hits.length) },
  usage: { result: (report) => rows(report.rows.length) },
  ping: {},
  close: {},
} as const satisfies OperationTable;

export const OPERATION_NAMES = Object.keys(STORE_OPERATIONS) as StoreOperation[];
