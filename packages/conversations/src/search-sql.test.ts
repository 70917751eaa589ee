import { describe, expect, it } from 'vitest';
import { searchSettingsSql, searchSql, supportsIterativeScan } from './search-sql.js';

describe('search SQL', () => {
  it('orders by cosine distance on the index, then re-sorts the materialized hits', () => {
    const { text, values } = searchSql({ vector: '[1,0]', sessionId: null, userId: 'u', roles: ['user'], since: null, until: null, topK: 7 });
    expect(text).toContain('ORDER BY m.embedding <=> $1::vector\n  LIMIT $4');
    expect(text).toContain('AS MATERIALIZED');
    expect(text).toContain('SELECT id FROM sessions WHERE user_id = $2');
    expect(text).toContain('m.role = ANY($3::text[])');
    expect(values).toEqual(['[1,0]', 'u', ['user'], 7]);
  });

  it('binds the session and time filters', () => {
    const since = new Date(0);
    const until = new Date(1);
    const { text, values } = searchSql({ vector: '[1]', sessionId: 's', userId: null, roles: null, since, until, topK: 1 });
    expect(text).toContain('m.session_id = $2::uuid');
    expect(text).toContain('m.created_at >= $3::timestamptz');
    expect(text).toContain('m.created_at < $4::timestamptz');
    expect(values).toEqual(['[1]', 's', since, until, 1]);
  });

  it('turns on iterative scans only when asked, raising ef_search to topK', () => {
    expect(searchSettingsSql(100, true)).toEqual({
      text: `SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`,
      values: ['100'],
    });
    expect(searchSettingsSql(5, false).values).toEqual(['40']);
    expect(searchSettingsSql(5, false).text).not.toContain('iterative');
  });

  it('knows which pgvector versions have iterative scans', () => {
    expect(supportsIterativeScan('0.8.0')).toBe(true);
    expect(supportsIterativeScan('0.8.7')).toBe(true);
    expect(supportsIterativeScan('1.0.0')).toBe(true);
    expect(supportsIterativeScan('0.7.4')).toBe(false);
    expect(supportsIterativeScan(null)).toBe(false);
  });
});
