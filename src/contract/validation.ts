import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';
import { buildSchemas, type InputSchemas } from './input-schemas.js';
import { DEFAULT_LEASE_MS, DEFAULT_PAGE_SIZE, type Limits } from './limits.js';
import { estimateTokens, fingerprint } from './message-fingerprint.js';
import type {
  AppendInput,
  BeginMessageInput,
  CheckpointMessageInput,
  CleanupInput,
  CreateSessionInput,
  DeleteMessagesInput,
  FinalizeMessageInput,
  HistoryAlign,
  ListSessionsInput,
  MessageKind,
  MessageStatus,
  Metadata,
  NewMessage,
  PutAgentInput,
  Role,
  SessionKey,
  TransactInput,
  TruncateInput,
  UpdateMessageInput,
  UpdateSessionInput,
  Usage,
  UserKey,
} from './types.js';

/**
 * A read resolved to one shape. The three plain ones are a single indexed range scan; a window
 * (aligned, budgeted, filtered) is one call that walks back from the newest message.
 */
export type HistoryQuery =
  | { kind: 'newest'; limit: number }
  | { kind: 'after'; afterSeq: number; beforeSeq: number | null; limit: number }
  | { kind: 'before'; beforeSeq: number; limit: number }
  | {
      kind: 'window';
      /** Newest N to start from (null with a budget alone). */
      last: number | null;
      tokenBudget: number | null;
      align: HistoryAlign;
      pinSystem: boolean;
      statuses: MessageStatus[] | null;
    };

export interface ResolvedHistoryInput extends SessionKey {
  query: HistoryQuery;
}

/** A message as every store writes it: ids, defaults and the idempotency fingerprint filled in. */
export interface ResolvedMessage {
  messageId: string;
  role: Role;
  content: string;
  metadata: Metadata;
  data: string | null;
  format: string | null;
  kind: MessageKind;
  toolCallIds: string[];
  toolResultIds: string[];
  status: MessageStatus;
  usage: Usage | null;
  tokenCount: number;
  /** Hash of the append's fields: a retry with another one is an idempotency mismatch. */
  fingerprint: string;
  /** Drafts only (beginMessage): the lease token and how long it lasts. */
  lease: string | null;
  leaseMs: number | null;
}

export interface ResolvedAppendInput extends SessionKey {
  agentId?: string;
  messages: ResolvedMessage[];
}

export interface ResolvedTransactInput extends SessionKey {
  operationId: string;
  agentId?: string;
  /** Hash of the operation's body: the same operation id with another body is a conflict. */
  bodyHash: string;
  append: ResolvedMessage[];
  replaceSuffix: { expected: string[]; replacement: ResolvedMessage[] } | null;
}

export type ResolvedTruncateInput = SessionKey & { afterSeq: number | null } & (
    { afterMessageId: null; inclusive: false } | { afterMessageId: string; inclusive: boolean }
  );

export type ResolvedUpdateMessageInput = UpdateMessageInput;
export type ResolvedCheckpointInput = CheckpointMessageInput;
export type ResolvedFinalizeInput = FinalizeMessageInput;

/**
 * The checks every store's input goes through once, in the store facade, before any server is
 * touched, so that bad input is refused the same way everywhere and nothing is half-written.
 */
export class InputValidator {
  private readonly schemas: InputSchemas;

  constructor(
    readonly limits: Limits,
    private readonly newId: () => string,
    private readonly newLease: () => string = newId,
  ) {
    this.schemas = buildSchemas(limits);
  }

  append(input: AppendInput): ResolvedAppendInput {
    const parsed = parse(this.schemas.append, input);
    return {
      userId: parsed.userId,
      sessionId: parsed.sessionId,
      ...(parsed.agentId !== undefined && { agentId: parsed.agentId }),
      messages: this.resolveMessages(parsed.messages, 'messages'),
    };
  }

  history(input: unknown): ResolvedHistoryInput {
    const parsed = parse(this.schemas.history, input);
    const { userId, sessionId, last, afterSeq, beforeSeq, limit } = parsed;
    const windowed =
      (parsed.align !== undefined && parsed.align !== 'exact') ||
      parsed.tokenBudget !== undefined ||
      parsed.pinSystem === true ||
      parsed.statuses !== undefined;
    if (last !== undefined || (windowed && afterSeq === undefined && beforeSeq === undefined)) {
      const extra = [
        afterSeq !== undefined && 'afterSeq',
        beforeSeq !== undefined && 'beforeSeq',
        last !== undefined && limit !== undefined && 'limit',
      ].find(Boolean);
      if (extra) throw ValidationError.field('last', `cannot be combined with ${extra}`);
      const size = last ?? limit ?? (parsed.tokenBudget !== undefined ? null : DEFAULT_PAGE_SIZE);
      if (!windowed) return { userId, sessionId, query: { kind: 'newest', limit: size! } };
      if (new Set(parsed.statuses ?? []).size !== (parsed.statuses ?? []).length) {
        throw ValidationError.field('statuses', 'names a status twice');
      }
      return {
        userId,
        sessionId,
        query: {
          kind: 'window',
          last: size,
          tokenBudget: parsed.tokenBudget ?? null,
          align: parsed.align ?? 'exact',
          pinSystem: parsed.pinSystem ?? false,
          statuses: parsed.statuses ?? null,
        },
      };
    }
    if (windowed) {
      throw ValidationError.field('afterSeq', 'cursor reads take no align, budget or statuses');
    }
    const pageSize = limit ?? DEFAULT_PAGE_SIZE;
    if (afterSeq !== undefined) {
      if (beforeSeq !== undefined && beforeSeq <= afterSeq) {
        throw ValidationError.field('beforeSeq', 'must be greater than afterSeq');
      }
      return {
        userId,
        sessionId,
        query: { kind: 'after', afterSeq, beforeSeq: beforeSeq ?? null, limit: pageSize },
      };
    }
    if (beforeSeq !== undefined) {
      return { userId, sessionId, query: { kind: 'before', beforeSeq, limit: pageSize } };
    }
    return { userId, sessionId, query: { kind: 'newest', limit: pageSize } };
  }

  sessionKey(input: SessionKey): SessionKey {
    return parse(this.schemas.sessionKey, input);
  }

  userKey(input: UserKey): UserKey {
    return parse(this.schemas.userKey, input);
  }

  createSession(input: CreateSessionInput): CreateSessionInput & { sessionId: string } {
    const parsed = parse(this.schemas.createSession, input);
    return { ...parsed, sessionId: parsed.sessionId ?? this.newId() };
  }

  updateSession(input: UpdateSessionInput): UpdateSessionInput {
    return parse(this.schemas.updateSession, input);
  }

  listSessions(input: ListSessionsInput): Required<Omit<ListSessionsInput, 'cursor'>> & {
    cursor?: string;
  } {
    const parsed = parse(this.schemas.listSessions, input);
    return { ...parsed, limit: parsed.limit ?? DEFAULT_PAGE_SIZE };
  }

  putAgent(input: PutAgentInput): PutAgentInput {
    return parse(this.schemas.putAgent, input);
  }

  cleanup(input: CleanupInput | undefined): Required<CleanupInput> {
    const parsed = parse(this.schemas.cleanup, input ?? {});
    return { batchSize: parsed.batchSize ?? 500 };
  }

  updateMessage(input: UpdateMessageInput): ResolvedUpdateMessageInput {
    return parse(this.schemas.updateMessage, input);
  }

  truncate(input: TruncateInput): ResolvedTruncateInput {
    const parsed = parse(this.schemas.truncate, input);
    if ('afterSeq' in parsed) {
      return { ...parsed, afterMessageId: null, inclusive: false };
    }
    return { ...parsed, afterSeq: null, inclusive: parsed.inclusive ?? false };
  }

  deleteMessages(input: DeleteMessagesInput): DeleteMessagesInput {
    const parsed = parse(this.schemas.deleteMessages, input);
    return { ...parsed, messageIds: [...new Set(parsed.messageIds)] };
  }

  transact(input: TransactInput): ResolvedTransactInput {
    const parsed = parse(this.schemas.transact, input);
    if ((parsed.append === undefined) === (parsed.replaceSuffix === undefined)) {
      throw ValidationError.field('append', 'give exactly one of append and replaceSuffix');
    }
    // Generated messageIds would make every replay look like another body: the caller's ids
    // (or positions) are what the body hash covers.
    const op = parsed.operationId;
    const append = parsed.append ? this.resolveMessages(parsed.append, 'append', op) : [];
    const replacement = parsed.replaceSuffix
      ? this.resolveMessages(parsed.replaceSuffix.replacement, 'replaceSuffix.replacement', op)
      : [];
    return {
      userId: parsed.userId,
      sessionId: parsed.sessionId,
      operationId: parsed.operationId,
      ...(parsed.agentId !== undefined && { agentId: parsed.agentId }),
      bodyHash: fingerprint([
        parsed.agentId ?? null,
        append.map((m) => m.fingerprint),
        parsed.replaceSuffix ? parsed.replaceSuffix.expected : null,
        replacement.map((m) => m.fingerprint),
      ]),
      append,
      replaceSuffix: parsed.replaceSuffix
        ? { expected: parsed.replaceSuffix.expected, replacement }
        : null,
    };
  }

  /** A draft: one message, status streaming, with a new lease. */
  beginMessage(input: BeginMessageInput): ResolvedAppendInput {
    const parsed = parse(this.schemas.beginMessage, input);
    const [message] = this.resolveMessages(
      [
        {
          role: parsed.role ?? 'assistant',
          content: parsed.content ?? '',
          status: 'streaming',
          ...(parsed.messageId !== undefined && { messageId: parsed.messageId }),
          ...(parsed.data !== undefined && { data: parsed.data }),
          ...(parsed.format !== undefined && { format: parsed.format }),
          ...(parsed.kind !== undefined && { kind: parsed.kind }),
          ...(parsed.metadata !== undefined && { metadata: parsed.metadata }),
          ...(parsed.toolCallIds !== undefined && { toolCallIds: parsed.toolCallIds }),
          ...(parsed.toolResultIds !== undefined && { toolResultIds: parsed.toolResultIds }),
        },
      ],
      'message',
    );
    return {
      userId: parsed.userId,
      sessionId: parsed.sessionId,
      ...(parsed.agentId !== undefined && { agentId: parsed.agentId }),
      messages: [
        {
          ...message!,
          lease: parsed.lease ?? this.newLease(),
          leaseMs: parsed.leaseMs ?? DEFAULT_LEASE_MS,
        },
      ],
    };
  }

  checkpointMessage(input: CheckpointMessageInput): ResolvedCheckpointInput {
    return parse(this.schemas.checkpointMessage, input);
  }

  finalizeMessage(input: FinalizeMessageInput): ResolvedFinalizeInput {
    return parse(this.schemas.finalizeMessage, input);
  }

  private resolveMessages(
    given: ReadonlyArray<z.output<InputSchemas['append']>['messages'][number]>,
    field: string,
    /** In a transaction, a message without an id gets one derived from the operation. */
    operationId?: string,
  ): ResolvedMessage[] {
    const seen = new Set<string>();
    return given.map((message, index) => {
      if (message.content === undefined && (message.data === undefined || message.data === null)) {
        throw ValidationError.field(`${field}.${index}.content`, 'is required (or give data)');
      }
      const messageId =
        message.messageId ??
        (operationId === undefined
          ? this.newId()
          : `op_${fingerprint([operationId, field, index])}`);
      if (seen.has(messageId)) {
        throw ValidationError.field(`${field}.${index}.messageId`, 'repeated within this call');
      }
      seen.add(messageId);
      return resolveMessage(message, messageId);
    });
  }
}

function resolveMessage(message: NewMessage, messageId: string): ResolvedMessage {
  const content = message.content ?? '';
  const data = message.data ?? null;
  const resolved = {
    messageId,
    role: message.role,
    content,
    metadata: message.metadata ?? {},
    data,
    format: message.format ?? null,
    kind: message.kind ?? 'message',
    toolCallIds: message.toolCallIds ?? [],
    toolResultIds: message.toolResultIds ?? [],
    status: message.status ?? 'complete',
    usage: message.usage && Object.keys(message.usage).length > 0 ? message.usage : null,
    tokenCount: message.tokenCount ?? estimateTokens(content, data),
  };
  return {
    ...resolved,
    fingerprint: fingerprint([
      resolved.role,
      resolved.content,
      resolved.metadata,
      resolved.data,
      resolved.format,
      resolved.kind,
      resolved.toolCallIds,
      resolved.toolResultIds,
      resolved.status,
      resolved.usage,
      message.tokenCount ?? null,
    ]),
    lease: null,
    leaseMs: null,
  };
}

/**
 * Parses with a zod schema or throws a ValidationError naming each offending field (`root` names
 * the input as a whole: `input` for a call, `options` for a constructor's options).
 */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  input: unknown,
  root = 'input',
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((issue) => toFieldIssue(issue, root)));
}

const parse = parseOrThrow;

function toFieldIssue(issue: z.core.$ZodIssue, root: string): FieldIssue {
  const field = issue.path.length > 0 ? issue.path.join('.') : root;
  if (issue.code === 'unrecognized_keys') {
    return { field, problem: `unknown field(s): ${issue.keys.join(', ')}` };
  }
  if (issue.code === 'invalid_union') {
    return { field, problem: 'give afterSeq, or afterMessageId (with inclusive)' };
  }
  return { field, problem: issue.message };
}
