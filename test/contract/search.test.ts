import { expect, it } from 'vitest';
import { UnsupportedError, ValidationError, type ConversationStore } from '../../src/index.js';
import { describeContract, openStore, STORE_UNDER_TEST } from '../support/store-under-test.js';

const searches = !STORE_UNDER_TEST.startsWith('redis');

async function seed(store: ConversationStore): Promise<void> {
  await store.append({
    userId: 'alice',
    sessionId: 'trip',
    messages: [
      { role: 'user', content: 'Qual é a melhor ação para hoje?', messageId: 'pt-1' },
      { role: 'assistant', content: 'A ação certa é descansar.', messageId: 'pt-2' },
      { role: 'user', content: 'Book a hotel in Lisbon near the river', messageId: 'en-1' },
      { role: 'assistant', content: 'The hotel <b>Tejo</b> is near the river & the old town' },
      { role: 'user', content: '来週東京タワーに行きます', messageId: 'ja-1' },
    ],
  });
  await store.append({
    userId: 'alice',
    sessionId: 'work',
    messages: [{ role: 'user', content: 'Lisbon office hotel budget', messageId: 'w-1' }],
  });
  await store.append({
    userId: 'bob',
    sessionId: 'trip',
    messages: [{ role: 'user', content: 'hotel in Lisbon, ação, 東京タワー', messageId: 'b-1' }],
  });
}

describeContract('search', () => {
  if (!searches) {
    it('answers UnsupportedError (code unsupported) on redis', async () => {
      const store = await openStore();
      const error: unknown = await store
        .search({ userId: 'alice', query: 'hotel' })
        .catch((e) => e);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as UnsupportedError).code).toBe('unsupported');
    });
    return;
  }

  it('folds accents both ways and marks the match in the snippet', async () => {
    const store = await openStore();
    await seed(store);
    const page = await store.search({ userId: 'alice', query: 'acao' });
    expect(page.hits.map((hit) => hit.messageId).sort()).toEqual(['pt-1', 'pt-2']);
    expect(page.hits[0]!.snippet).toContain('<mark>ação</mark>');
    const accented = await store.search({ userId: 'alice', query: 'AÇÃO' });
    expect(accented.hits).toHaveLength(2);
  });

  it('takes web-search syntax: phrases, -word and or', async () => {
    const store = await openStore();
    await seed(store);
    const ids = async (query: string) =>
      (await store.search({ userId: 'alice', query })).hits.map((hit) => hit.messageId).sort();
    expect(await ids('hotel lisbon')).toHaveLength(2);
    expect(await ids('"near the river"')).toHaveLength(2);
    expect(await ids('"the river near"')).toEqual([]);
    expect(await ids('hotel -budget')).toHaveLength(2);
    expect((await ids('hotel -river')).length).toBe(1);
    expect(await ids('budget or descansar')).toHaveLength(2);
  });

  it('finds Japanese text inside a run of characters', async () => {
    const store = await openStore();
    await seed(store);
    const page = await store.search({ userId: 'alice', query: '東京タワー' });
    expect(page.hits.map((hit) => hit.messageId)).toEqual(['ja-1']);
    expect(page.hits[0]!.snippet).toContain('<mark>東京タワー</mark>');
  });

  it('returns every field of a hit and escapes the content for HTML', async () => {
    const store = await openStore();
    await seed(store);
    const { hits } = await store.search({ userId: 'alice', query: 'tejo' });
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit).toMatchObject({ sessionId: 'trip', seq: 4, role: 'assistant' });
    expect(hit!.createdAt).toBeInstanceOf(Date);
    expect(hit!.rank).toBeGreaterThan(0);
    expect(hit!.snippet).toContain('&lt;b&gt;<mark>Tejo</mark>&lt;/b&gt;');
    expect(hit!.snippet).toContain('&amp;');
  });

  it("never returns another user's messages", async () => {
    const store = await openStore();
    await seed(store);
    for (const query of ['hotel', 'acao', '東京タワー']) {
      const { hits } = await store.search({ userId: 'alice', query });
      expect(hits.every((hit) => hit.messageId !== 'b-1')).toBe(true);
      const bob = await store.search({ userId: 'bob', query });
      expect(bob.hits.map((hit) => hit.messageId)).toEqual(['b-1']);
    }
    expect((await store.search({ userId: 'carol', query: 'hotel' })).hits).toEqual([]);
  });

  it('filters by session, role and time', async () => {
    const store = await openStore();
    await seed(store);
    const bySession = await store.search({ userId: 'alice', query: 'hotel', sessionId: 'work' });
    expect(bySession.hits.map((hit) => hit.messageId)).toEqual(['w-1']);
    const byRole = await store.search({ userId: 'alice', query: 'hotel', role: 'assistant' });
    expect(byRole.hits.map((hit) => hit.seq)).toEqual([4]);
    const [stored] = await store.history({ userId: 'alice', sessionId: 'work' });
    const after = new Date(stored!.createdAt.getTime() + 1);
    expect((await store.search({ userId: 'alice', query: 'budget', from: after })).hits).toEqual(
      [],
    );
    expect((await store.search({ userId: 'alice', query: 'budget', to: after })).hits).toHaveLength(
      1,
    );
  });

  it('pages through ranked hits with the cursor, each hit once', async () => {
    const store = await openStore();
    const key = { userId: 'alice', sessionId: 'many' };
    for (let i = 1; i <= 7; i++) {
      await store.append({
        ...key,
        messages: [{ role: 'user', content: `lisbon ${'lisbon '.repeat(i % 3)}note ${i}` }],
      });
    }
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.search({ ...key, query: 'lisbon', limit: 3, cursor });
      seen.push(...page.hits.map((hit) => hit.seq));
      const ranks = page.hits.map((hit) => hit.rank);
      expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('leaves out deleted sessions', async () => {
    const store = await openStore();
    await seed(store);
    await store.deleteSession({ userId: 'alice', sessionId: 'work' });
    const { hits } = await store.search({ userId: 'alice', query: 'budget' });
    expect(hits).toEqual([]);
  });

  it('refuses bad input with ValidationError', async () => {
    const store = await openStore();
    await expect(store.search({ userId: 'alice', query: '   ' })).rejects.toThrow(ValidationError);
    await expect(store.search({ userId: 'alice', query: 'x', limit: 101 })).rejects.toThrow(
      ValidationError,
    );
    await expect(store.search({ userId: 'alice', query: 'x', cursor: 'nope' })).rejects.toThrow(
      ValidationError,
    );
    const at = new Date();
    await expect(store.search({ userId: 'alice', query: 'x', from: at, to: at })).rejects.toThrow(
      ValidationError,
    );
  });
});
