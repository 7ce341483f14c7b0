import { ValidationError } from '../../contract/errors.js';
import type { ConversationStore } from '../../contract/store.js';
import type { FinalStatus, SessionKey } from '../../contract/types.js';
import { describeUIMessage, UI_MESSAGE_FORMAT, type UIMessageLike } from './ui-message.js';

/** What `onStepEnd` receives from toUIMessageStream / createUIMessageStream (v7; v6 onStepFinish). */
export interface StepEndEvent<M extends UIMessageLike> {
  messages: M[];
  isContinuation: boolean;
  responseMessage: M;
}

/** What `onEnd` receives (v7; v6 names the option onFinish and sends the same event). */
export interface StreamEndEvent<M extends UIMessageLike> extends StepEndEvent<M> {
  isAborted: boolean;
  /** Present only when true: the consumer cancelled the stream (client gone, no consumeStream). */
  isCancelled?: true;
  /** v7 and late v6: how the operation ended. */
  outcome?: { status: 'completed' | 'failed' | 'aborted' | 'unknown' };
  finishReason?: string;
}

/**
 * The assistant reply of each running stream, as a draft in the store: begun on the first step
 * (it takes its seq then), checkpointed on every step, finalized on end. Keyed by user, chat and
 * message id, so one persistence object serves every request of a process.
 */
export class ReplyDrafts {
  private readonly leases = new Map<string, string>();
  /** Each draft's writes in order: a cancel may call onEnd while a step's write is in flight. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: ConversationStore,
    private readonly leaseMs: number,
  ) {}

  async step(key: SessionKey, event: StepEndEvent<UIMessageLike>): Promise<void> {
    const message = requireId(event.responseMessage);
    // The bytes are the message as given now, not when the write's turn comes.
    const data = JSON.stringify(message);
    return this.inOrder(draftKey(key, message.id), () => this.writeStep(key, event, data));
  }

  async end(key: SessionKey, event: StreamEndEvent<UIMessageLike>): Promise<void> {
    const message = requireId(event.responseMessage);
    const data = JSON.stringify(message);
    return this.inOrder(draftKey(key, message.id), () => this.writeEnd(key, event, data), true);
  }

  private inOrder(id: string, write: () => Promise<void>, last = false): Promise<void> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(write);
    this.queues.set(id, next);
    const settle = () => {
      if (last && this.queues.get(id) === next) this.queues.delete(id);
    };
    next.then(settle, settle);
    return next;
  }

  private async writeStep(
    key: SessionKey,
    event: StepEndEvent<UIMessageLike>,
    data: string,
  ): Promise<void> {
    const message = event.responseMessage;
    const fields = describeUIMessage(message);
    const id = draftKey(key, message.id);
    const lease = this.leases.get(id);
    if (event.isContinuation) {
      // The reply extends a stored assistant message (after a tool approval or a client-side
      // tool result): it is updated in place under its id, never stored a second time. Its
      // status stays as it was until the end: a message without a lease must never be left
      // 'streaming' by a process that dies.
      await this.store.updateMessage({
        ...key,
        messageId: message.id,
        data,
        content: fields.content,
        kind: fields.kind,
        toolCallIds: fields.toolCallIds,
        toolResultIds: fields.toolResultIds,
      });
    } else if (lease === undefined) {
      const begun = await this.store.beginMessage({
        ...key,
        messageId: message.id,
        role: 'assistant',
        data,
        format: UI_MESSAGE_FORMAT,
        content: fields.content,
        kind: fields.kind,
        leaseMs: this.leaseMs,
      });
      this.leases.set(id, begun.lease);
      if (fields.toolCallIds.length > 0) {
        await this.store.checkpointMessage({
          ...key,
          messageId: message.id,
          lease: begun.lease,
          toolCallIds: fields.toolCallIds,
          toolResultIds: fields.toolResultIds,
        });
      }
    } else {
      await this.store.checkpointMessage({
        ...key,
        messageId: message.id,
        lease,
        data,
        content: fields.content,
        toolCallIds: fields.toolCallIds,
        toolResultIds: fields.toolResultIds,
      });
    }
  }

  private async writeEnd(
    key: SessionKey,
    event: StreamEndEvent<UIMessageLike>,
    data: string,
  ): Promise<void> {
    const message = event.responseMessage;
    const fields = describeUIMessage(message, event.finishReason);
    const status = finalStatus(event);
    const id = draftKey(key, message.id);
    const lease = this.leases.get(id);
    this.leases.delete(id);
    const usage = fields.usage ? { usage: fields.usage } : {};
    const links = { toolCallIds: fields.toolCallIds, toolResultIds: fields.toolResultIds };
    if (event.isContinuation) {
      await this.store.updateMessage({
        ...key,
        messageId: message.id,
        data,
        content: fields.content,
        kind: fields.kind,
        status,
        ...links,
        ...usage,
      });
    } else if (lease !== undefined) {
      await this.store.finalizeMessage({
        ...key,
        messageId: message.id,
        lease,
        status,
        data,
        content: fields.content,
        ...links,
        ...usage,
      });
    } else if (message.parts.length > 0 || status !== 'complete') {
      // No step ended (a one-step reply on v6, or a stream stopped before its first step ended):
      // what arrived is stored now, with its final status. A retry of the same end is a no-op.
      await this.store.append({
        ...key,
        messages: [
          {
            messageId: message.id,
            role: 'assistant',
            data,
            format: UI_MESSAGE_FORMAT,
            content: fields.content,
            kind: fields.kind,
            status,
            ...links,
            ...usage,
          },
        ],
      });
    }
  }
}

function finalStatus(event: StreamEndEvent<UIMessageLike>): FinalStatus {
  if (event.isAborted || event.isCancelled === true || event.outcome?.status === 'aborted') {
    return 'aborted';
  }
  if (event.outcome?.status === 'failed' || event.finishReason === 'error') return 'error';
  return 'complete';
}

function requireId<M extends UIMessageLike>(message: M): M {
  if (message.id === '') {
    throw ValidationError.field(
      'responseMessage.id',
      'is empty: pass originalMessages and generateMessageId to toUIMessageStream',
    );
  }
  return message;
}

function draftKey(key: SessionKey, messageId: string): string {
  return `${key.userId}\u0000${key.sessionId}\u0000${messageId}`;
}
