import { z } from 'zod';
import { parseOrThrow } from '../../contract/validation.js';
import { DEFAULT_LIMITS, ID_PATTERN, ID_RULE, type Limits } from '../../contract/limits.js';
import { DEFAULT_STORE_OPTIONS } from '../../options.js';
import { DEFAULT_KEY_PREFIX } from '../../stores/redis/keys.js';
import type { SessionDifference } from './verify.js';
import type { MigrationProgress } from './types.js';

export type SourceFormat = 'convstore' | 'langchain';

export interface MigrateRedisOptions {
  /** The source: `redis://...`, `rediss://...` or `redis+cluster://host:port,...`. */
  from: string;
  /** The target: `postgres://...` (or `pglite://<dir>`). */
  to: string;
  /** Target schema; migrated first (not on a dry run). Default `convstore`. */
  schema?: string;
  format: SourceFormat;
  /** convstore format: the redis store's key prefix. Default `convstore:`. */
  prefix?: string;
  /** langchain format: SCAN MATCH glob of the history keys; with one `*`, it is the session id. */
  keyPattern?: string;
  /** langchain format: the user who owns every migrated session (required). */
  userId?: string;
  /** langchain format: the agent of every migrated session. */
  agentId?: string;
  /** Read and count; write nothing. */
  dryRun?: boolean;
  /** After migrating, compare every session with its source; differences fail the run. */
  verify?: boolean;
  /**
   * With verify: replace the target's copy of every session that differs with the source's (a
   * source app that cleared and restarted a session), each in one transaction that commits only
   * once the new copy verifies; until then, and when it does not, the target keeps its copy.
   */
  reimportDiffering?: boolean;
  /** After a verification without differences, delete the source keys of verified sessions. */
  deleteSource?: boolean;
  /** Sessions per write transaction (default 200). */
  batchSize?: number;
  /** Input limits the migrated data must meet, as the store's own (default DEFAULT_LIMITS). */
  limits?: Partial<Limits>;
  /** Stops between batches: what was committed stays, a re-run resumes. */
  signal?: AbortSignal;
  onProgress?: (progress: MigrationProgress) => void;
  onUnreadable?: (key: string, problem: string) => void;
  onDifference?: (difference: SessionDifference) => void;
  /** A differing session was re-imported from the source and verified (reimportDiffering). */
  onReimported?: (key: string) => void;
}

export interface ResolvedMigrateRedisOptions {
  from: string;
  to: string;
  schema: string;
  format: SourceFormat;
  prefix: string;
  keyPattern: string;
  userId: string | null;
  agentId: string | null;
  dryRun: boolean;
  verify: boolean;
  reimportDiffering: boolean;
  deleteSource: boolean;
  batchSize: number;
  limits: Limits;
}

const id = z.string().regex(ID_PATTERN, `must be ${ID_RULE}`);

const schema = z
  .object({
    from: z
      .string()
      .regex(
        /^(redis|rediss|redis\+cluster):\/\//,
        'must start with redis://, rediss:// or redis+cluster://',
      ),
    to: z
      .string()
      .regex(/^(postgres|postgresql|pglite):\/\//, 'must start with postgres:// or pglite://'),
    schema: z.string().optional(),
    format: z.enum(['convstore', 'langchain'], { error: 'must be convstore or langchain' }),
    prefix: z.string().optional(),
    keyPattern: z.string().min(1, 'must not be empty').optional(),
    userId: id.optional(),
    agentId: id.optional(),
    dryRun: z.boolean().optional(),
    verify: z.boolean().optional(),
    reimportDiffering: z.boolean().optional(),
    deleteSource: z.boolean().optional(),
    batchSize: z.number().int().min(1).max(10_000).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.format === 'langchain' && !value.userId) {
      ctx.addIssue({
        code: 'custom',
        path: ['userId'],
        message: 'is required for the langchain format (its keys name no user)',
      });
    }
    if (value.format === 'convstore') {
      for (const field of ['userId', 'agentId', 'keyPattern'] as const) {
        if (value[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: 'is for the langchain format; the convstore layout names its own',
          });
        }
      }
    }
    if (value.deleteSource && !value.verify) {
      ctx.addIssue({
        code: 'custom',
        path: ['deleteSource'],
        message: 'needs verify: source keys are deleted only after verification',
      });
    }
    if (value.reimportDiffering && (!value.verify || value.dryRun)) {
      ctx.addIssue({
        code: 'custom',
        path: ['reimportDiffering'],
        message: 'needs verify and no dry run: only a verification finds the sessions that differ',
      });
    }
    if (value.deleteSource && value.dryRun) {
      ctx.addIssue({ code: 'custom', path: ['deleteSource'], message: 'cannot be a dry run' });
    }
  });

/** Checks the options before anything connects; bad ones are a ValidationError. */
export function resolveMigrateRedisOptions(
  options: MigrateRedisOptions,
): ResolvedMigrateRedisOptions {
  // The object schema drops what it does not check: the callbacks, the signal, the limits.
  const given = parseOrThrow(schema, options, 'options');
  return {
    from: given.from,
    to: given.to,
    schema: given.schema ?? DEFAULT_STORE_OPTIONS.schema,
    format: given.format,
    prefix: given.prefix ?? DEFAULT_KEY_PREFIX,
    keyPattern: given.keyPattern ?? '*',
    userId: given.userId ?? null,
    agentId: given.agentId ?? null,
    dryRun: given.dryRun ?? false,
    verify: given.verify ?? false,
    reimportDiffering: given.reimportDiffering ?? false,
    deleteSource: given.deleteSource ?? false,
    batchSize: given.batchSize ?? 200,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
}
