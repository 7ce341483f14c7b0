import postgres from 'postgres';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createStore,
  InternalError,
  SchemaMismatchError,
  UnavailableError,
  type ConversationStore,
} from '../../../src/index.js';
import { parseEntry } from '../../../src/stores/hybrid/flush-entry.js';
import { CacheKeys } from '../../../src/stores/hybrid/cache-keys.js';
import { resultName, scriptError } from '../../../src/stores/hybrid/scripts/script-results.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

const available = inject('postgresAvailable') && inject('redisAvailable');

describe('hybrid script protocols', () => {
  it('maps refusals to the contract errors and refuses codes a script may not return', () => {
    expect(scriptError(-1)).toBeInstanceOf(UnavailableError);
    expect(scriptError(-7)).toBeInstanceOf(InternalError);
    expect(scriptError(1)).toBeNull();
    expect(resultName('fill', 6, ['done', 'leaseLost'])).toBe('leaseLost');
    expect(() => resultName('fill', 2, ['done', 'leaseLost'])).toThrow(InternalError);
  });

  it('decodes stream entries of version 1 (no v field) and 2, and refuses any other', () => {
    const message = {
      seq: 1,
      messageId: 'm',
      createdAt: 5,
      role: 'user',
      content: 'hi',
      metadata: {},
    };
    const v1 = parseEntry([
      '1-0',
      [
        'u',
        'alice',
        's',
        'trip',
        'd',
        JSON.stringify({
          agentId: null,
          createdAt: 10,
          updatedAt: 20,
          expiresAt: null,
          messages: [message],
        }),
      ],
    ]);
    const v2 = parseEntry([
      '2-0',
      [
        'v',
        '2',
        'u',
        'alice',
        's',
        'trip',
        'd',
        JSON.stringify({
          agentId: null,
          createdAt: '10',
          updatedAt: '20',
          expiresAt: null,
          messages: [JSON.stringify(message)],
        }),
      ],
    ]);
    expect(v2).toEqual({ ...v1, id: '2-0' });
    expect(v1.data).toEqual({
      agentId: null,
      createdAt: 10,
      updatedAt: 20,
      expiresAt: null,
      messages: [message],
    });
    for (const version of ['3', '0', '', 'constructor']) {
      expect(() =>
        parseEntry(['3-0', ['v', version, 'u', 'alice', 's', 'trip', 'd', '{}']]),
      ).toThrow(SchemaMismatchError);
    }
  });
});

describe.skipIf(!available)('hybrid write-behind: the stream entry', () => {
  const name = `${inject('runPrefix')}_entry_${process.pid}`;
  const redis = new Redis(TEST_REDIS_URL);
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  let store: ConversationStore | undefined;

  afterAll(async () => {
    await store?.close();
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await sql.end();
    await deleteKeysWithPrefix(redis, `${name}:`);
    redis.disconnect();
  });

  it('is versioned and carries every message to PostgreSQL exactly as acknowledged', async () => {
    store = await createStore({
      url: TEST_DATABASE_URL,
      schema: name,
      migrate: true,
      ttlSeconds: 3600,
      cache: {
        url: TEST_REDIS_URL,
        keyPrefix: `${name}:`,
        writeMode: 'write-behind',
        flusher: false,
      },
    });
    // What a re-encoding in Lua would change: empty arrays, float and large-integer precision,
    // escapes, slashes, astral characters.
    const metadata = {
      tags: [],
      empty: {},
      ratio: 0.30000000000000004,
      big: 9007199254740991,
      path: 'a/b\\c"d',
    };
    const content = 'quote " backslash \\ slash / tab \t newline \n emoji 😀 nul-free \u2028';
    const { messages } = await store.append({
      userId: 'alice',
      sessionId: 'trip',
      agentId: 'helper',
      messages: [
        { role: 'user', content, metadata },
        {
          role: 'assistant',
          content: 'second',
          data: '{"a":[1,2.50]}',
          format: 'json',
          toolCallIds: ['call-1'],
          usage: { inputTokens: 3, outputTokens: 5 },
        },
      ],
    });
    const entries = await redis.xrange(new CacheKeys(`${name}:`).stream('alice'), '-', '+');
    expect(entries).toHaveLength(1);
    const [, fields] = entries[0]!;
    expect(fields.slice(0, 2)).toEqual(['v', '2']);
    const entry = parseEntry(entries[0]!);
    expect(entry.data?.agentId).toBe('helper');
    expect(entry.data?.messages.map((m) => [m.seq, m.content, m.metadata])).toEqual([
      [1, content, metadata],
      [2, 'second', {}],
    ]);
    // Every field of the resolved message travels, the fingerprint included.
    expect(entry.data?.messages[1]).toMatchObject({
      data: '{"a":[1,2.50]}',
      format: 'json',
      toolCallIds: ['call-1'],
      usage: { inputTokens: 3, outputTokens: 5 },
    });
    expect(entry.data?.messages.every((m) => typeof m.fingerprint === 'string')).toBe(true);

    expect(await store.capabilities.flush!()).toBe(1);
    const rows = await sql.unsafe<
      Array<{
        seq: string;
        message_id: string;
        content: string;
        metadata: unknown;
        data: string | null;
        tool_call_ids: string[];
      }>
    >(
      `SELECT seq, message_id, content, metadata, data, tool_call_ids FROM "${name}".messages ORDER BY seq`,
    );
    expect(rows.map((r) => [Number(r.seq), r.message_id, r.content, r.metadata])).toEqual(
      messages.map((m) => [m.seq, m.messageId, m.content, m.metadata]),
    );
    expect(rows[1]!.data).toBe('{"a":[1,2.50]}');
    expect(rows[1]!.tool_call_ids).toEqual(['call-1']);
    const calls = await sql.unsafe<Array<{ call_id: string; seq: string }>>(
      `SELECT call_id, seq FROM "${name}".tool_calls`,
    );
    expect(calls.map((c) => [c.call_id, Number(c.seq)])).toEqual([['call-1', 2]]);
    const [session] = await sql.unsafe<Array<{ agent_id: string; expires_at: Date }>>(
      `SELECT agent_id, expires_at FROM "${name}".sessions`,
    );
    expect(session!.agent_id).toBe('helper');
    expect(session!.expires_at).not.toBeNull();
  });
});
