import { describe, expect, inject, it } from 'vitest';
import type { ConversationStore } from '../../../src/index.js';
import type { SearchHit } from '../../../src/contract/search.js';
import { RANKED_SEARCH_HITS } from '../../../src/stores/sql/search-cursor.js';
import { sqlSubjects, type SqlKind } from './support/sql-subjects.js';

/**
 * Search ranks only the RANKED_SEARCH_HITS newest hits (search.sql, search-cjk.sql): they come
 * first, best first, the older hits after them newest first; paging through a query with more
 * hits than that still returns each of the caller's hits exactly once, and nobody else's.
 */
const subjects = sqlSubjects('ranked');

/** More hits than are ranked, so that some follow unranked. */
const HITS = RANKED_SEARCH_HITS + 150;

async function open(kind: SqlKind): Promise<ConversationStore> {
  const { store, schema, query } = await subjects.open(kind);
  await query(seedSql(schema));
  return store;
}

/**
 * Alice: HITS messages about a trip to Lisbon one minute apart (in the oldest third the two words
 * stand side by side: they rank best), in ten sessions, a CJK term in each, and messages without it; Bob: the same
 * words, never to be found by Alice.
 */
function seedSql(schema: string): string {
  const s = `"${schema}"`;
  return `
    INSERT INTO ${s}.users (user_id) VALUES ('alice'), ('bob');
    INSERT INTO ${s}.sessions (user_id, session_id, last_seq, message_count)
    SELECT u, 'c' || k, 1000, 1000 FROM unnest(ARRAY['alice', 'bob']) u, generate_series(0, 9) k;
    INSERT INTO ${s}.messages (user_id, session_id, seq, message_id, role, content, created_at)
    SELECT u, 'c' || (n % 10), n, 'm' || n, 'user',
           CASE WHEN n > ${HITS} THEN 'nothing here'
                WHEN n <= ${HITS / 3} THEN 'trip lisbon 東京タワー'
                ELSE 'a trip far away to the city of lisbon 東京タワー' END,
           timestamptz '2026-11-01 00:00Z' + n * interval '1 minute'
      FROM unnest(ARRAY['alice', 'bob']) u, generate_series(1, ${HITS + 20}) n;`;
}

async function everyPage(store: ConversationStore, query: string): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.search({ userId: 'alice', query, limit: 100, cursor });
    hits.push(...page.hits);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return hits;
}

describe.skipIf(!inject('postgresAvailable'))('search: the newest hits ranked', () => {
  for (const kind of ['postgres', 'pglite'] as const) {
    for (const query of ['trip lisbon', '東京タワー']) {
      it(`[${kind}] "${query}": newest ${RANKED_SEARCH_HITS} best first, then the rest newest first`, async () => {
        const store = await open(kind);
        const hits = await everyPage(store, query);
        // Every hit of Alice's once, in a stable order across pages; none of Bob's.
        expect(hits).toHaveLength(HITS);
        expect(new Set(hits.map((hit) => hit.seq)).size).toBe(HITS);
        expect(hits.every((hit) => hit.seq <= HITS)).toBe(true);
        const ranked = hits.slice(0, RANKED_SEARCH_HITS);
        const older = hits.slice(RANKED_SEARCH_HITS);
        // The ranked ones are exactly the newest, best first (ties newest first).
        expect(Math.min(...ranked.map((hit) => hit.seq))).toBe(HITS - RANKED_SEARCH_HITS + 1);
        for (let i = 1; i < ranked.length; i++) {
          const [a, b] = [ranked[i - 1]!, ranked[i]!];
          expect(a.rank > b.rank || (a.rank === b.rank && a.seq > b.seq)).toBe(true);
        }
        // The older ones follow newest first, with their rank, even those that outrank ranked ones.
        expect(older.map((hit) => hit.seq)).toEqual(
          Array.from(
            { length: HITS - RANKED_SEARCH_HITS },
            (_, i) => HITS - RANKED_SEARCH_HITS - i,
          ),
        );
        if (query === 'trip lisbon') expect(older[0]!.rank).toBeGreaterThan(ranked.at(-1)!.rank);
        await store.close();
      });
    }
  }
});
