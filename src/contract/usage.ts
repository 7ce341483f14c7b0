import { z } from 'zod';
import { ID_PATTERN, ID_RULE } from './limits.js';
import { ValidationError } from './errors.js';
import { parseOrThrow } from './validation.js';
import type { Role } from './types.js';

/** The dimensions a usage report can be grouped by (none: one row for the whole range). */
export const USAGE_GROUPS = ['day', 'agent', 'model', 'user'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/** The longest range one report covers: a report is an analyst's question, not an export. */
export const MAX_USAGE_RANGE_DAYS = 3_660;

export interface UsageInput {
  /** Whose usage; omitted = every user (the admin's view). */
  userId?: string;
  /** Messages created at or after `from` and before `to` (ISO 8601 or Date). */
  from: string | Date;
  to: string | Date;
  groupBy?: UsageGroup[];
  /** IANA zone the days are counted in (default UTC). */
  timeZone?: string;
}

export interface ResolvedUsageInput {
  userId: string | null;
  from: Date;
  to: Date;
  groupBy: UsageGroup[];
  timeZone: string;
}

export interface UsageRow {
  /** YYYY-MM-DD in the report's time zone, when grouped by day. */
  day?: string;
  /** When grouped by agent: the session's agent, null for sessions without one. */
  agentId?: string | null;
  /** When grouped by model: the message's model, null for messages that name none. */
  model?: string | null;
  userId?: string;
  /** Sessions started in the range (and in the row's day) with a message in the row. */
  sessions: number;
  /** Sessions with at least one message in the row. */
  activeSessions: number;
  messages: number;
  messagesByRole: Record<Role, number>;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  cachedInputTokens: number;
  activeUsers: number;
  /** Latency percentiles over the messages that carry latency; null when none does. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface UsageReport {
  rows: UsageRow[];
}

const date = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const parsed = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(parsed.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or time' });
    return z.NEVER;
  }
  return parsed;
});

const schema = z.strictObject({
  userId: z.string().regex(ID_PATTERN, `must be ${ID_RULE}`).optional(),
  from: date,
  to: date,
  groupBy: z.array(z.enum(USAGE_GROUPS)).max(USAGE_GROUPS.length).optional(),
  timeZone: z.string().optional(),
});

/** Validates a usage call once, in the facade; the backends take the resolved form. */
export function resolveUsageInput(input: unknown): ResolvedUsageInput {
  const parsed = parseOrThrow(schema, input);
  const groupBy = parsed.groupBy ?? [];
  if (new Set(groupBy).size !== groupBy.length) {
    throw ValidationError.field('groupBy', 'names a dimension twice');
  }
  if (parsed.to.getTime() <= parsed.from.getTime())
    throw ValidationError.field('to', 'must be after from');
  if (parsed.to.getTime() - parsed.from.getTime() > MAX_USAGE_RANGE_DAYS * 86_400_000) {
    throw ValidationError.field('to', `the range must be at most ${MAX_USAGE_RANGE_DAYS} days`);
  }
  const timeZone = parsed.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone))
    throw ValidationError.field('timeZone', 'must be an IANA time zone name');
  return { userId: parsed.userId ?? null, from: parsed.from, to: parsed.to, groupBy, timeZone };
}

/** Asks the runtime's ICU, the same zone database PostgreSQL follows for IANA names. */
function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
