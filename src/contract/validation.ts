import { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';
import { findJsonProblem, findTextProblem, isPlainObject } from './json-check.js';
import { DEFAULT_PAGE_SIZE, ID_PATTERN, ID_RULE, MAX_TITLE_CHARS, type Limits } from './limits.js';
import {
  ROLES,
  type AppendInput,
  type CleanupInput,
  type CreateSessionInput,
  type ListSessionsInput,
  type Metadata,
  type PutAgentInput,
  type SessionKey,
  type UpdateSessionInput,
  type UserKey,
} from './types.js';
import {
  DEFAULT_SEARCH_LIMIT,
  MAX_QUERY_CHARS,
  MAX_SEARCH_LIMIT,
  type SearchInput,
} from './search.js';

/** A read resolved to one of three shapes, each a single indexed range scan. */
export type HistoryQuery =
  | { kind: 'newest'; limit: number }
  | { kind: 'after'; afterSeq: number; beforeSeq: number | null; limit: number }
  | { kind: 'before'; beforeSeq: number; limit: number };

export interface ResolvedHistoryInput extends SessionKey {
  query: HistoryQuery;
}

/** Validated append: every message carries its messageId (generated when not given). */
export interface ResolvedAppendInput extends AppendInput {
  messages: Array<{
    role: AppendInput['messages'][number]['role'];
    content: string;
    metadata: Metadata;
    messageId: string;
  }>;
}

/** Validated search: the query trimmed, the page size resolved. */
export type ResolvedSearchInput = Omit<SearchInput, 'limit'> & { limit: number };

/**
 * The checks every store runs before touching a server, so that bad input is refused the same
 * way everywhere and nothing is half-written.
 */
export class InputValidator {
  private readonly schemas: ReturnType<typeof buildSchemas>;

  constructor(
    readonly limits: Limits,
    private readonly newId: () => string,
  ) {
    this.schemas = buildSchemas(limits);
  }

  append(input: AppendInput): ResolvedAppendInput {
    const parsed = parse(this.schemas.append, input);
    const seen = new Set<string>();
    const messages = parsed.messages.map((message, index) => {
      const messageId = message.messageId ?? this.newId();
      if (seen.has(messageId)) {
        throw ValidationError.field(`messages.${index}.messageId`, 'repeated within this append');
      }
      seen.add(messageId);
      return { ...message, metadata: message.metadata ?? {}, messageId };
    });
    return { ...parsed, messages };
  }

  history(input: unknown): ResolvedHistoryInput {
    const { userId, sessionId, last, afterSeq, beforeSeq, limit } = parse(
      this.schemas.history,
      input,
    );
    if (last !== undefined) {
      const extra = [
        afterSeq !== undefined && 'afterSeq',
        beforeSeq !== undefined && 'beforeSeq',
        limit !== undefined && 'limit',
      ].find(Boolean);
      if (extra) throw ValidationError.field('last', `cannot be combined with ${extra}`);
      return { userId, sessionId, query: { kind: 'newest', limit: last } };
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

  search(input: SearchInput): ResolvedSearchInput {
    const parsed = parse(this.schemas.search, input);
    if (parsed.from && parsed.to && parsed.to <= parsed.from) {
      throw ValidationError.field('to', 'must be later than from');
    }
    return { ...parsed, query: parsed.query.trim(), limit: parsed.limit ?? DEFAULT_SEARCH_LIMIT };
  }

  cleanup(input: CleanupInput | undefined): Required<CleanupInput> {
    const parsed = parse(this.schemas.cleanup, input ?? {});
    return { batchSize: parsed.batchSize ?? 500 };
  }
}

function buildSchemas(limits: Limits) {
  const id = () => z.string(typeError('must be a string')).regex(ID_PATTERN, `must be ${ID_RULE}`);
  const text = (maxBytes: number) =>
    z.string(typeError('must be a string')).superRefine((value, ctx) => {
      const problem = findTextProblem(value, 'text');
      if (problem) ctx.addIssue({ code: 'custom', message: problem.replace('text: ', '') });
      else if (Buffer.byteLength(value, 'utf8') > maxBytes) {
        ctx.addIssue({ code: 'custom', message: `is over the limit of ${maxBytes} bytes` });
      }
    });
  const metadata = z.custom<Metadata>().superRefine((value, ctx) => {
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return;
    }
    const problem = findJsonProblem(value, 'metadata');
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem.replace(/^metadata:?\s*/, '') });
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > limits.maxMetadataBytes) {
      ctx.addIssue({
        code: 'custom',
        message: `is over the limit of ${limits.maxMetadataBytes} bytes`,
      });
    }
  });
  const count = (max: number) =>
    z
      .number(typeError('must be a number'))
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(max, `must be at most ${max}`);
  const seq = z
    .number(typeError('must be a number'))
    .int('must be an integer')
    .min(0, 'must not be negative')
    .max(Number.MAX_SAFE_INTEGER, 'is too large');
  const instant = z
    .date(typeError('must be a Date'))
    .refine((value) => !Number.isNaN(value.getTime()), { message: 'must be a valid Date' });
  const title = text(MAX_TITLE_CHARS * 4).refine((value) => [...value].length <= MAX_TITLE_CHARS, {
    message: `must be at most ${MAX_TITLE_CHARS} characters`,
  });

  const message = z.strictObject({
    role: z.enum(ROLES, typeError(`must be one of ${ROLES.join(', ')}`)),
    content: text(limits.maxContentBytes),
    metadata: metadata.optional(),
    messageId: id().optional(),
  });

  return {
    append: z.strictObject({
      userId: id(),
      sessionId: id(),
      agentId: id().optional(),
      messages: z
        .array(message, typeError('must be an array of messages'))
        .min(1, 'must hold at least one message')
        .max(
          limits.maxMessagesPerAppend,
          `must hold at most ${limits.maxMessagesPerAppend} messages`,
        ),
    }),
    history: z.strictObject({
      userId: id(),
      sessionId: id(),
      last: count(limits.maxPageSize).optional(),
      limit: count(limits.maxPageSize).optional(),
      afterSeq: seq.optional(),
      beforeSeq: seq.optional(),
    }),
    sessionKey: z.strictObject({ userId: id(), sessionId: id() }),
    userKey: z.strictObject({ userId: id() }),
    createSession: z.strictObject({
      userId: id(),
      sessionId: id().optional(),
      agentId: id().nullable().optional(),
      title: title.nullable().optional(),
      metadata: metadata.optional(),
    }),
    updateSession: z.strictObject({
      userId: id(),
      sessionId: id(),
      agentId: id().nullable().optional(),
      title: title.nullable().optional(),
      metadata: metadata.optional(),
    }),
    listSessions: z.strictObject({
      userId: id(),
      limit: count(limits.maxPageSize).optional(),
      cursor: z.string(typeError('must be a string')).max(512, 'is malformed').optional(),
    }),
    putAgent: z.strictObject({
      agentId: id(),
      name: text(1024).nullable().optional(),
      model: text(1024).nullable().optional(),
      settings: metadata.optional(),
    }),
    cleanup: z.strictObject({ batchSize: count(100_000).optional() }),
    search: z.strictObject({
      userId: id(),
      query: text(MAX_QUERY_CHARS * 4).refine(
        (value) => value.trim().length > 0 && [...value].length <= MAX_QUERY_CHARS,
        { message: `must hold 1-${MAX_QUERY_CHARS} characters` },
      ),
      sessionId: id().optional(),
      role: z.enum(ROLES, typeError(`must be one of ${ROLES.join(', ')}`)).optional(),
      from: instant.optional(),
      to: instant.optional(),
      limit: count(MAX_SEARCH_LIMIT).optional(),
      cursor: z.string(typeError('must be a string')).max(512, 'is malformed').optional(),
    }),
  };
}

/** Zod's error option: a missing field says so instead of naming the type it expected. */
function typeError(problem: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : problem),
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
  return { field, problem: issue.message };
}
