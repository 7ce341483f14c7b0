import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../src/index.js';

const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('pglite on disk', () => {
  it('keeps what it acknowledged across a close and a reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convstore-pglite-'));
    dirs.push(dir);
    const url = `pglite://${join(dir, 'data')}`;
    const key = { userId: 'alice', sessionId: 'durable' };

    const first = await createStore({ url });
    await first.append({ ...key, messages: [{ role: 'user', content: 'remember me' }] });
    await first.close();

    const second = await createStore({ url });
    expect((await second.history(key)).map((m) => m.content)).toEqual(['remember me']);
    const { messages } = await second.append({
      ...key,
      messages: [{ role: 'assistant', content: 'I do' }],
    });
    expect(messages[0]!.seq).toBe(2);
    await second.close();
  }, 60_000);
});
