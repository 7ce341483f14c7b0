import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../src/bench/parse-bench-args.js';
import { decodeSearchCursor, encodeSearchCursor } from '../../src/stores/sql/search-cursor.js';
import { cjkTerms } from '../../src/stores/sql/search-terms.js';
import { ValidationError } from '../../src/index.js';

describe('search query parts', () => {
  it('takes no CJK terms from a query without CJK text', () => {
    expect(cjkTerms('hotel "near the river" -budget or acao')).toBeNull();
  });

  it('takes the CJK words and phrases, in order, leaving out exclusions and or', () => {
    expect(cjkTerms('東京 -大阪 or "タワー 100%" hotel')).toEqual({
      likePattern: '%東京%タワー 100\\%%',
      markPattern: '東京|タワー 100%',
      first: '東京',
    });
    expect(cjkTerms('a_b 東京<x>')!.markPattern).toBe('東京&lt;x&gt;');
    expect(cjkTerms('-"東京タワー"')).toBeNull();
  });

  it('round-trips a cursor and refuses one it did not make', () => {
    expect(decodeSearchCursor(encodeSearchCursor(40))).toBe(40);
    for (const bad of [
      '',
      'abc',
      encodeSearchCursor(10_001),
      Buffer.from('s1x').toString('base64url'),
    ]) {
      expect(() => decodeSearchCursor(bad)).toThrow(ValidationError);
    }
  });

  it('reads the bench --search size', () => {
    expect(parseBenchArgs(['--search', '200k']).search).toBe(200_000);
    expect(parseBenchArgs(['--search', '10m']).search).toBe(10_000_000);
    expect(parseBenchArgs(['--search', 'none']).search).toBeUndefined();
    expect(() => parseBenchArgs(['--search', '12x'])).toThrow(/--search/);
  });
});
