import { createHash } from 'node:crypto';
import type {
  AgentInputItem,
  Session,
  SessionHistoryRewriteArgs,
  SessionHistoryTransactionArgs,
} from '@openai/agents';
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError, OperationConflictError, ValidationError } from '../../contract/errors.js';
import { DEFAULT_LIMITS } from '../../contract/limits.js';
import type { ConversationStore } from '../../contract/store.js';
import type { Message, NewMessage, SessionKey } from '../../contract/types.js';
import { batches } from '../shared/batches.js';
import { readAllHistory, readHistory } from '../shared/read-history.js';
import { canonicalJson } from './canonical-json.js';
import {
  AGENT_ITEM_FORMAT,
  decodeItem,
  describeItem,
  encodeItem,
  toNewMessage,
} from './item-codec.js';

export interface ConvstoreSessionOptions {
  store: ConversationStore;
  userId: string;
  /** The store's sessionId; a time-ordered one is generated when omitted. */
  sessionId?: string;
  /** Passed to the store when the session is created. */
  agentId?: string;
}

/** Attempts of a whole-history replacement that lost a race with another writer. */
const REPLACE_ATTEMPTS = 5;

/**
 * An OpenAI Agents JS `Session` kept in a convstore store: one message per item, the item's JSON
 * in `data` (binary values encoded losslessly), its call id linked so that `getItems(limit)`
 * never starts with a tool output whose call was cut off, nor separates a reasoning item from
 * the item it produced. Implements the optional transaction and history-rewrite capabilities,
 * which the runner uses to persist each turn atomically and idempotently.
 */
export class ConvstoreSession implements Session {
  private readonly store: ConversationStore;
  private readonly key: SessionKey;
  private readonly agentId: string | undefined;
  /** Bodies of replace_suffix operations sent from this process, for exact replays. */
  private readonly sentSuffixOperations = new Map<
    string,
    Parameters<ConversationStore['transact']>[0]
  >();

  constructor(options: ConvstoreSessionOptions) {
    this.store = options.store;
    this.key = { userId: options.userId, sessionId: options.sessionId ?? uuidv7() };
    this.agentId = options.agentId;
  }

  async getSessionId(): Promise<string> {
    return this.key.sessionId;
  }

  /**
   * The newest `limit` items, oldest first (all of them without a limit). A window that would
   * begin with a tool output, or right after a reasoning item, is extended back to the call or
   * reasoning item it belongs to, so it may hold a few more than `limit` items.
   */
  async getItems(limit?: number): Promise<AgentInputItem[]> {
    if (limit !== undefined && limit <= 0) return [];
    const messages =
      limit === undefined || limit > DEFAULT_LIMITS.maxPageSize
        ? await readAllHistory(this.store, this.key)
        : await readHistory(this.store, { ...this.key, last: limit, align: 'tool-pairs' });
    const items = messages.flatMap(toItem);
    return limit !== undefined && limit > DEFAULT_LIMITS.maxPageSize ? items.slice(-limit) : items;
  }

  async addItems(items: AgentInputItem[]): Promise<void> {
    for (const batch of batches(items, DEFAULT_LIMITS.maxMessagesPerAppend)) {
      await this.store.append({
        ...this.key,
        ...this.agent(),
        messages: batch.map((item) => toNewMessage(item, uuidv7())),
      });
    }
  }

  /** Removes and returns the newest item; concurrent calls never return the same one. */
  async popItem(): Promise<AgentInputItem | undefined> {
    try {
      const message = await this.store.popMessage(this.key);
      return message ? toItem(message)[0] : undefined;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async clearSession(): Promise<void> {
    try {
      await this.store.clearMessages(this.key);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  /**
   * Applies an append or a suffix replacement atomically, once per operation id: the same id
   * with the same transaction again changes nothing; with another transaction, or with an
   * expected suffix the history no longer ends with, it is refused and nothing changes.
   */
  async applyHistoryTransaction(args: SessionHistoryTransactionArgs): Promise<void> {
    const { operationId, transaction } = checkTransaction(args);
    const ids = operationMessageIds(operationId);
    if (transaction.type === 'append_items') {
      await this.store.transact({
        ...this.key,
        ...this.agent(),
        operationId,
        append: transaction.items.map((item, index) => toNewMessage(item, ids(index))),
      });
      return;
    }
    const replacement = transaction.replacement.map((item, index) =>
      toNewMessage(item, ids(index)),
    );
    const sent = this.sentSuffixOperations.get(operationId);
    if (sent) {
      await this.store.transact(sent);
      return;
    }
    const expected = await this.matchSuffix(transaction.expectedSuffix);
    if (expected === null) {
      if (await this.alreadyApplied(replacement)) return;
      throw new OperationConflictError(
        'Session history suffix no longer matches the transaction precondition.',
      );
    }
    const input = {
      ...this.key,
      ...this.agent(),
      operationId,
      replaceSuffix: { expected, replacement },
    };
    this.sentSuffixOperations.set(operationId, input);
    await this.store.transact(input);
  }

  /** Replaces the first function call with each callId (and drops its duplicates). */
  async applyHistoryMutations(args: SessionHistoryRewriteArgs): Promise<void> {
    for (const mutation of args.mutations) {
      if (mutation.type !== 'replace_function_call') continue;
      const calls = (await readAllHistory(this.store, this.key)).filter(
        (message) =>
          message.toolCallIds.includes(mutation.callId) &&
          toItem(message)[0]?.type === 'function_call',
      );
      const [first, ...duplicates] = calls;
      if (!first) continue;
      const fields = describeItem(mutation.replacement);
      await this.store.updateMessage({
        ...this.key,
        messageId: first.messageId,
        expectedVersion: first.version,
        data: encodeItem(mutation.replacement),
        format: AGENT_ITEM_FORMAT,
        content: fields.content,
        kind: fields.kind,
        toolCallIds: fields.toolCallIds,
        toolResultIds: fields.toolResultIds,
      });
      if (duplicates.length > 0) {
        await this.store.deleteMessages({
          ...this.key,
          messageIds: duplicates.map((message) => message.messageId),
        });
      }
    }
  }

  /**
   * Replaces the whole history with a compaction item and the suffix it keeps, atomically (a
   * suffix replacement of everything stored); retried when another writer got in between.
   */
  async replaceHistoryWithCompaction(items: AgentInputItem[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = await readAllHistory(this.store, this.key);
      try {
        await this.store.transact({
          ...this.key,
          ...this.agent(),
          operationId: uuidv7(),
          replaceSuffix: {
            expected: stored.map((message) => message.messageId),
            replacement: items.map((item) => toNewMessage(item, uuidv7())),
          },
        });
        return;
      } catch (error) {
        const conflict = error instanceof OperationConflictError;
        if (!conflict || attempt >= REPLACE_ATTEMPTS) throw error;
      }
    }
  }

  private agent(): { agentId?: string } {
    return this.agentId !== undefined ? { agentId: this.agentId } : {};
  }

  /** The messageIds of the stored suffix when it holds exactly these items, else null. */
  private async matchSuffix(expected: AgentInputItem[]): Promise<string[] | null> {
    if (expected.length === 0) return [];
    const tail =
      expected.length > DEFAULT_LIMITS.maxPageSize
        ? (await readAllHistory(this.store, this.key)).slice(-expected.length)
        : await readHistory(this.store, { ...this.key, last: expected.length });
    if (tail.length !== expected.length) return null;
    const same = tail.every((message, index) => {
      const item = toItem(message)[0];
      return item !== undefined && canonicalJson(item) === canonicalJson(expected[index]);
    });
    return same ? tail.map((message) => message.messageId) : null;
  }

  /**
   * Whether this operation's replacement is already in the history (a replay from another
   * process): its messages carry ids derived from the operation id. The same ids with other
   * items mean the operation id was reused for another transaction.
   */
  private async alreadyApplied(replacement: NewMessage[]): Promise<boolean> {
    if (replacement.length === 0) return false;
    const stored = await readAllHistory(this.store, this.key);
    const byId = new Map(stored.map((message) => [message.messageId, message]));
    const found = replacement.map((message) => byId.get(message.messageId!));
    if (found.every((message) => message === undefined)) return false;
    const same = found.every((message, index) => message?.data === replacement[index]!.data);
    if (!same) {
      throw new OperationConflictError(
        'Session history operation was already applied with a different transaction.',
      );
    }
    return true;
  }
}

/** Stored messages as items; plain messages written by other means read as message items. */
function toItem(message: Message): AgentInputItem[] {
  if (message.format === AGENT_ITEM_FORMAT && message.data !== null) {
    return [decodeItem(message.data)];
  }
  switch (message.role) {
    case 'user':
    case 'system':
      return [{ role: message.role, content: message.content } as AgentInputItem];
    case 'assistant':
      return [
        {
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: message.content }],
        } as AgentInputItem,
      ];
    default:
      return [];
  }
}

/** Message ids for an operation's items: stable across retries, distinct per operation. */
function operationMessageIds(operationId: string): (index: number) => string {
  const prefix = createHash('sha256').update(operationId).digest('base64url').slice(0, 22);
  return (index) => `op.${prefix}.${index}`;
}

function checkTransaction(args: SessionHistoryTransactionArgs): SessionHistoryTransactionArgs {
  if (typeof args?.operationId !== 'string' || args.operationId.trim() === '') {
    throw ValidationError.field('operationId', 'must be a non-empty string');
  }
  const type = args.transaction?.type;
  if (type !== 'append_items' && type !== 'replace_suffix') {
    throw ValidationError.field('transaction.type', 'must be append_items or replace_suffix');
  }
  return args;
}
