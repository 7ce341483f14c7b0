import { UnavailableError } from '../../contract/errors.js';
import { assertSchemaCurrent, migrate } from '../../stores/sql/migrator.js';
import type { SqlDriver } from '../../stores/sql/sql-driver.js';
import { toStoreError } from '../../stores/sql/sql-errors.js';
import { openSqlDriver } from '../../stores/sql/open-sql-driver.js';
import { countMigrated, traceJob } from '../../telemetry/job-telemetry.js';
import { convstoreReader } from './convstore-reader.js';
import { langChainReader } from './langchain-reader.js';
import {
  resolveMigrateRedisOptions,
  type MigrateRedisOptions,
  type ResolvedMigrateRedisOptions,
  type SourceFormat,
} from './options.js';
import { PassRunner } from './pass-runner.js';
import { PendingBatch } from './pending-batch.js';
import { PostgresWriter } from './postgres-writer.js';
import { connectSource } from './redis-source.js';
import type { SourceConnection } from './source-connection.js';
import { findSessionProblem } from './session-checks.js';
import type { ReadOutcome, SourceReader, SourceSession } from './types.js';
import { verifyBatch, type SessionDifference } from './verify.js';

export interface MigrationSummary {
  format: SourceFormat;
  dryRun: boolean;
  /** Stopped by the signal: what was committed stays, a re-run resumes. */
  interrupted: boolean;
  /** Sessions read whole and valid: migrated, or on a dry run, would be. */
  sessions: number;
  /** Their messages. */
  messages: number;
  /** Messages this run stored (0 on a re-run of a finished migration). */
  messagesInserted: number;
  /** Keys that were not sessions of the layout, or were gone or expired by the time of reading. */
  ignored: number;
  /** Sessions skipped whole because something in them could not be read; see unreadableKeys. */
  unreadable: number;
  /** The first 100 of them, by key, with what was wrong (never their content). */
  unreadableKeys: Array<{ key: string; problem: string }>;
  /** Null without verify. */
  verification: {
    sessions: number;
    /** Sessions that differ from their source (after any re-import). */
    differences: number;
    /** Differing sessions replaced by the source's copy and verified (reimportDiffering). */
    reimported: number;
    /** The first 100 differing sessions. */
    differing: SessionDifference[];
  } | null;
  /** Agents of the source's catalogue written (convstore layout; on a dry run, found). */
  agents: number;
  /** Source keys deleted after verification (deleteSource). */
  deletedKeys: number;
  /**
   * Sessions whose source was written to between the delete pass's check and its delete: kept,
   * not deleted (a later run migrates what was added, then deletes). The first 100, by key.
   */
  changedBeforeDelete: string[];
  /** How many such sessions in all. */
  changedBeforeDeleteCount: number;
  durationMs: number;
}

/** Unreadable keys and differing sessions kept in the summary (all are passed to the callbacks). */
const REPORTED = 100;

/**
 * Migrates sessions from Redis (convstore's own layout, or LangChain's RedisChatMessageHistory)
 * into PostgreSQL. Streams session by session with SCAN (never KEYS), so memory is bounded by a
 * batch; writes whole sessions per transaction with their source seqs and idempotent inserts, so
 * a second run, or a run after a kill, stores each message exactly once in the same order.
 * Unreadable sessions are reported by key and skipped whole. With `verify`, every session is
 * then compared with its source (message count and content hash); with `deleteSource` too, the
 * source keys of sessions that verified equal are deleted, and only when nothing differed.
 */
export function migrateRedis(options: MigrateRedisOptions): Promise<MigrationSummary> {
  return traceJob('migrateRedis', () => migrateRedisUntraced(options), summaryAttributes);
}

async function migrateRedisUntraced(options: MigrateRedisOptions): Promise<MigrationSummary> {
  const resolved = resolveMigrateRedisOptions(options);
  const started = performance.now();
  const summary: MigrationSummary = {
    format: resolved.format,
    dryRun: resolved.dryRun,
    interrupted: false,
    sessions: 0,
    messages: 0,
    messagesInserted: 0,
    ignored: 0,
    unreadable: 0,
    unreadableKeys: [],
    verification: null,
    agents: 0,
    deletedKeys: 0,
    changedBeforeDelete: [],
    changedBeforeDeleteCount: 0,
    durationMs: 0,
  };
  const redis = await connectSource(resolved.from);
  let driver: SqlDriver | undefined;
  try {
    const reader = sourceReader(resolved, redis);
    let writer: PostgresWriter | undefined;
    if (!resolved.dryRun || resolved.verify) {
      driver = await openSqlDriver(resolved.to, { poolSize: 2 });
      if (resolved.dryRun) await assertSchemaCurrent(driver, resolved.schema);
      else await migrate(driver, resolved.schema);
      writer = new PostgresWriter(driver, resolved.schema);
    }
    if (reader.readAgents) {
      // Agents first: the sessions that name them then find them complete, not as bare ids.
      const { agents, unreadable } = await reader.readAgents();
      for (const { key, problem } of unreadable) report(summary, options, key, problem);
      if (writer && !resolved.dryRun) await writer.writeAgents(agents);
      summary.agents = agents.length;
    }
    const run = new PassRunner(redis, reader, options);
    const total = options.onProgress ? await run.count() : 0;

    const pending = new PendingBatch(resolved.batchSize);
    const flush = async () => {
      const sessions = pending.take();
      if (writer && !resolved.dryRun) {
        summary.messagesInserted += (await writer.write(sessions)).messagesInserted;
        countMigrated(sessions.length, messageCount(sessions), resolved.format);
      }
    };
    summary.interrupted = await run.pass('migrate', total, async (outcomes) => {
      for (const outcome of outcomes) {
        const session = checked(outcome, resolved, summary, options);
        if (!session) continue;
        summary.sessions++;
        summary.messages += session.messages.length;
        if (pending.add(session)) await flush();
      }
    });
    await flush();

    if (resolved.verify && writer && !summary.interrupted) {
      const verification = {
        sessions: 0,
        differences: 0,
        reimported: 0,
        differing: [] as SessionDifference[],
      };
      summary.verification = verification;
      summary.interrupted = await run.pass('verify', total, async (outcomes) => {
        const sessions = outcomes.flatMap((outcome) => sessionOf(outcome, resolved));
        verification.sessions += sessions.length;
        for (const difference of await verifyBatch(writer, sessions)) {
          if (resolved.reimportDiffering && (await reimport(writer, sessions, difference))) {
            verification.reimported++;
            options.onReimported?.(difference.key);
            continue;
          }
          verification.differences++;
          if (verification.differing.length < REPORTED) verification.differing.push(difference);
          options.onDifference?.(difference);
        }
      });
      if (resolved.deleteSource && verification.differences === 0 && !summary.interrupted) {
        // Read again and compare again right before deleting: only a session that is equal in
        // the target at that moment loses its source keys.
        summary.interrupted = await run.pass('delete', total, async (outcomes) => {
          const sessions = outcomes.flatMap((outcome) => sessionOf(outcome, resolved));
          const differing = new Set((await verifyBatch(writer, sessions)).map((d) => d.key));
          const equal = sessions.filter((session) => !differing.has(session.key));
          // Each session's keys go only if they still hold what was just read and compared
          // (an atomic compare-and-delete): a message written since keeps them, and is reported.
          const { deletedKeys, changedKeys } = await reader.deleteSessions(equal);
          summary.deletedKeys += deletedKeys;
          summary.changedBeforeDeleteCount += changedKeys.length;
          const room = REPORTED - summary.changedBeforeDelete.length;
          summary.changedBeforeDelete.push(...changedKeys.slice(0, Math.max(0, room)));
        });
      }
    }
  } catch (error) {
    throw isRedisFailure(error)
      ? new UnavailableError('the source Redis stopped answering or refused a read', {
          cause: error,
        })
      : toStoreError(error);
  } finally {
    redis.disconnect();
    await driver?.close();
    summary.durationMs = Math.round(performance.now() - started);
  }
  return summary;
}

/**
 * Replaces the target's copy of a differing session with the source's just read, verified inside
 * the same transaction: true when the new copy verified and was committed.
 */
async function reimport(
  writer: PostgresWriter,
  sessions: SourceSession[],
  difference: SessionDifference,
): Promise<boolean> {
  const session = sessions.find((candidate) => candidate.key === difference.key);
  if (!session) return false;
  return writer.replace(
    session,
    async (tx) => (await verifyBatch(writer, [session], tx)).length === 0,
  );
}

/** What the job's span says of it: counts and flags, never keys (they hold user ids). */
function summaryAttributes(summary: MigrationSummary): Record<string, string | number | boolean> {
  return {
    'convstore.migration.format': summary.format,
    'convstore.migration.dry_run': summary.dryRun,
    'convstore.migration.interrupted': summary.interrupted,
    'convstore.migration.sessions': summary.sessions,
    'convstore.migration.messages': summary.messages,
    'convstore.migration.messages_inserted': summary.messagesInserted,
    'convstore.migration.unreadable': summary.unreadable,
    'convstore.migration.differences': summary.verification?.differences ?? 0,
    'convstore.migration.deleted_keys': summary.deletedKeys,
  };
}

function messageCount(sessions: readonly { messages: readonly unknown[] }[]): number {
  return sessions.reduce((sum, session) => sum + session.messages.length, 0);
}

/** ioredis's own failures: a refused command, a lost connection, retries given up. */
function isRedisFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'ReplyError' ||
    error.name === 'MaxRetriesPerRequestError' ||
    /^Connection is closed/.test(error.message)
  );
}

function sourceReader(options: ResolvedMigrateRedisOptions, redis: SourceConnection): SourceReader {
  return options.format === 'langchain'
    ? langChainReader({
        redis,
        keyPattern: options.keyPattern,
        userId: options.userId as string,
        agentId: options.agentId,
      })
    : convstoreReader({ redis, prefix: options.prefix });
}

/** A readable, valid session, or null after counting and reporting why not. */
function checked(
  outcome: ReadOutcome,
  options: ResolvedMigrateRedisOptions,
  summary: MigrationSummary,
  callbacks: MigrateRedisOptions,
): SourceSession | null {
  if (outcome.kind === 'ignored') {
    summary.ignored++;
    return null;
  }
  const key = outcome.kind === 'session' ? outcome.session.key : outcome.key;
  const problem =
    outcome.kind === 'unreadable'
      ? outcome.problem
      : findSessionProblem(outcome.session, options.limits);
  if (problem !== null) {
    report(summary, callbacks, key, problem);
    return null;
  }
  return outcome.kind === 'session' ? outcome.session : null;
}

function report(
  summary: MigrationSummary,
  callbacks: MigrateRedisOptions,
  key: string,
  problem: string,
): void {
  summary.unreadable++;
  if (summary.unreadableKeys.length < REPORTED) summary.unreadableKeys.push({ key, problem });
  callbacks.onUnreadable?.(key, problem);
}

/** The sessions a verify or delete pass looks at: the same ones the migrate pass wrote. */
function sessionOf(outcome: ReadOutcome, options: ResolvedMigrateRedisOptions): SourceSession[] {
  if (outcome.kind !== 'session') return [];
  return findSessionProblem(outcome.session, options.limits) === null ? [outcome.session] : [];
}
