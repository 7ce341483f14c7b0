import { describe, expect, it } from 'vitest';
import { createStore, ERROR_STATUS } from '../../src/index.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import {
  freshPrefix,
  freshSchema,
  onCleanup,
  redisUrl,
  TEST_DATABASE_URL,
  useRedisDatabase,
} from '../jobs/support/job-fixtures.js';
import { cli } from './capture.js';

useRedisDatabase(14);

const FROM = new Date(Date.now() - 86_400_000).toISOString();
const TO = new Date(Date.now() + 86_400_000).toISOString();

async function seededSchema(): Promise<string> {
  const schema = freshSchema();
  const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
  onCleanup(() => store.close());
  for (const [userId, model, tokens] of [
    ['alice', 'gpt-x', 10],
    ['alice', 'gpt-y', 5],
    ['bob', 'gpt-x', 100],
  ] as const) {
    await store.append({
      userId,
      sessionId: `s-${model}`,
      messages: [{ role: 'assistant', content: 'a', usage: { model, inputTokens: tokens } }],
    });
  }
  return schema;
}

describe('convstore report', () => {
  it('prints usage grouped by model as json, csv and a table', async () => {
    const schema = await seededSchema();
    const target = ['report', '--url', TEST_DATABASE_URL, '--schema', schema];
    const range = ['--from', FROM, '--to', TO, '--group-by', 'model'];

    const json = await cli(...target, ...range, '--format', 'json');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout).rows as { model: string; inputTokens: number }[];
    expect(rows.map((r) => [r.model, r.inputTokens])).toEqual([
      ['gpt-x', 110],
      ['gpt-y', 5],
    ]);

    const csv = await cli(...target, ...range, '--format', 'csv', '--user', 'alice');
    expect(csv.code).toBe(0);
    const [header, ...lines] = csv.stdout.trim().split('\n');
    expect(header!.split(',').slice(0, 6)).toEqual([
      'model',
      'sessions',
      'activeSessions',
      'activeUsers',
      'messages',
      'inputTokens',
    ]);
    expect(lines.map((line) => line.split(',').slice(0, 6))).toEqual([
      ['gpt-x', '1', '1', '1', '1', '10'],
      ['gpt-y', '1', '1', '1', '1', '5'],
    ]);

    const table = await cli(...target, ...range);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^model\s+sessions/);
    expect(table.stdout).toMatch(/\ngpt-x\s+2\s+2\s+2\s+2\s+110/);
  });

  it('refuses an unknown dimension (usage, exit 2) and a bad range (invalid input)', async () => {
    const schema = await seededSchema();
    const target = ['report', '--url', TEST_DATABASE_URL, '--schema', schema];
    const dimension = await cli(...target, '--from', FROM, '--to', TO, '--group-by', 'week');
    expect(dimension.code).toBe(EXIT.usage);
    expect(dimension.stderr).toContain('week');
    const range = await cli(...target, '--from', TO, '--to', FROM);
    expect(range.code).toBe(ERROR_STATUS.invalid_input.exit);
    expect(range.stderr).toContain('must be after from');
  });

  it('answers unsupported on the Redis store', async () => {
    const url = redisUrl();
    freshPrefix();
    const result = await cli(
      'report',
      '--url',
      url,
      '--from',
      FROM,
      '--to',
      TO,
      '--format',
      'json',
    );
    expect(result.code).toBe(ERROR_STATUS.unsupported.exit);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'unsupported' } });
  });
});
