import { describe, expect, it } from 'vitest';
import { createStore, ERROR_STATUS } from '../../src/index.js';
import {
  available,
  freshSchema,
  onCleanup,
  TEST_DATABASE_URL,
} from '../jobs/support/job-fixtures.js';
import { cli } from './capture.js';

/** `convstore db rollup`: the usage roll-up from the command line, and a rebuild of a range. */
describe.skipIf(!available())('convstore db rollup', () => {
  it('rolls usage up, rebuilds a range, and refuses half a range', async () => {
    const schema = freshSchema();
    const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
    onCleanup(() => store.close());
    await store.append({
      userId: 'alice',
      sessionId: 'chat',
      messages: [{ role: 'assistant', content: 'a', usage: { model: 'm', inputTokens: 7 } }],
    });
    const target = ['db', 'rollup', '--url', TEST_DATABASE_URL, '--schema', schema];

    const first = await cli(...target, '--json');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { rolledUntil: string; dirtyHours: number };
    // The watermark stands at most five minutes before now (at the hour's start when that is less).
    expect(new Date(report.rolledUntil).getTime()).toBeLessThanOrEqual(Date.now());

    const from = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const rebuilt = await cli(...target, '--from', from, '--to', new Date().toISOString());
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/^usage rolled up until \S+: 0 new hour\(s\)/);
    // The hours of the range the rollup holds: the three closed ones and the current one, rolled
    // up to five minutes ago (in an hour's first five minutes, not yet: three).
    expect(rebuilt.stdout).toMatch(/, [34] hour\(s\) marked for rebuild/);

    const half = await cli(...target, '--from', from);
    expect(half.code).toBe(ERROR_STATUS.invalid_input.exit);
    expect(half.stderr).toMatch(/needs both --from and --to/);
  });
});
