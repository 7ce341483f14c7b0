/**
 * Chinese, Japanese and Korean characters: the same ranges as the partial trigram index of
 * 0007_search.sql (kana, CJK ideographs and their extension A and compatibility block, Hangul
 * syllables, half-width katakana).
 */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]/;

/** What search-cjk.sql needs to match a query's CJK terms by substring and mark them. */
export interface CjkTerms {
  likePattern: string;
  markPattern: string;
  first: string;
}

/**
 * The CJK terms of a web-search query, or null when it has none (search.sql then suffices).
 * A term is a word or a quoted phrase holding a CJK character; excluded (`-term`) terms and the
 * `or` operator are not substrings to look for.
 */
export function cjkTerms(query: string): CjkTerms | null {
  const terms: string[] = [];
  for (const match of query.matchAll(/(-?)"([^"]*)"?|(\S+)/g)) {
    if (match[1] === '-' || match[3]?.startsWith('-')) continue;
    const term = (match[2] ?? match[3] ?? '').trim();
    if (term && CJK.test(term)) terms.push(term);
  }
  const first = terms[0];
  if (first === undefined) return null;
  return {
    likePattern: `%${terms.map(escapeLike).join('%')}%`,
    markPattern: terms.map((term) => escapeRegex(escapeHtml(term))).join('|'),
    first,
  };
}

function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, '\\$&');
}

function escapeRegex(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function escapeHtml(term: string): string {
  return term.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
