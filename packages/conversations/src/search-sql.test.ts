import { describe, expect, it } from 'vitest';
import { exactSearchSql, searchSetupSql, searchSql, supportsIterativeScan, type SearchQuery } from './search-sql.js';

describe('search SQL', () => {
  it('orders by cosine distance on the index, then re-sorts the materialized hits', () => {
    const { text, values } = searchSql({
      vector: '[1,0]',
      sessionId: null,
      userId: 'u',
      roles: ['user'],
      since: null,
      until: null,
      topK: 7,
    });
    expect(text).toContain('ORDER BY m.embedding <=> $1::vector\n  LIMIT $4');
    expect(text).toContain('AS MATERIALIZED');
    expect(text).toContain('SELECT id FROM sessions WHERE user_id = $2');
    expect(text).toContain('m.role = ANY($3::text[])');
    expect(values).toEqual(['[1,0]', 'u', ['user'], 7]);
  });

  it('binds the session and time filters', () => {
    const since = new Date(0);
    const until = new Date(1);
    const { text, values } = searchSql({
      vector: '[1]',
      sessionId: 's',
      userId: null,
      roles: null,
      since,
      until,
      topK: 1,
    });
    expect(text).toContain('m.session_id = $2::uuid');
    expect(text).toContain('m.created_at >= $3::timestamptz');
    expect(text).toContain('m.created_at < $4::timestamptz');
    expect(values).toEqual(['[1]', 's', since, until, 1]);
  });

  it('sets ef_search, turns on iterative scans only when asked, and counts the scope only when asked', () => {
    const query: SearchQuery = {
      vector: '[1]',
      sessionId: null,
      userId: 'u',
      roles: ['user'],
      since: new Date(0),
      until: null,
      topK: 5,
    };
    const setup = searchSetupSql(query, { efSearch: 200, iterativeScan: true, countUpTo: 3001 });
    expect(setup.text).toContain(`set_config('hnsw.ef_search', $3, true)`);
    expect(setup.text).toContain(`set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
    // The counts read the index-only filters (scope and time), not roles or embeddings: the
    // filled rows on (user_id, created_at), the unfilled ones through the user's sessions.
    expect(setup.text).toContain(
      '(SELECT count(*) FROM (SELECT 1 FROM messages m WHERE m.user_id = $2 AND m.created_at >= $4::timestamptz LIMIT $1) scope)::int AS filled',
    );
    expect(setup.text).toContain(
      '(SELECT count(*) FROM (SELECT 1 FROM messages m WHERE m.user_id IS NULL AND m.session_id = ANY(ARRAY(SELECT id FROM sessions WHERE user_id = $2)) AND m.created_at >= $4::timestamptz LIMIT $1) scope)::int AS unfilled',
    );
    // The session ids come back only for an HNSW search of a user with unfilled rows.
    expect(setup.text).toContain(
      'CASE WHEN s.unfilled > 0 AND s.filled + s.unfilled >= $1::int THEN ARRAY(SELECT id::text FROM sessions WHERE user_id = $2) END AS sessions',
    );
    expect(setup.text).not.toContain('role');
    expect(setup.text).not.toContain('embedding');
    expect(setup.values).toEqual([3001, 'u', '200', new Date(0)]);
    // Without a count (threshold 0) the unfilled rows are still probed (LIMIT 1).
    const plain = searchSetupSql(query, { efSearch: 40, iterativeScan: false, countUpTo: 0 });
    expect(plain.text).not.toContain('iterative');
    expect(plain.text).toContain('0 AS filled');
    expect(plain.text).toContain('CASE WHEN s.unfilled > 0 THEN');
    expect(plain.values).toEqual(['u', '40', new Date(0), 1]);
    // A session's search: one count of its scope, no probe.
    const session = searchSetupSql(
      { ...query, sessionId: 's', userId: null },
      { efSearch: 40, iterativeScan: false, countUpTo: 0 },
    );
    expect(session.text).not.toContain('count');
    expect(session.values).toEqual(['40']);
  });

  it('writes the user filter as the first statement found the user’s rows: filled only, or with the fallback', () => {
    const query: SearchQuery = {
      vector: '[1]',
      sessionId: null,
      userId: 'u',
      roles: null,
      since: null,
      until: null,
      topK: 5,
    };
    const filled = searchSql({ ...query, unfilled: 'none' });
    expect(filled.text).toContain('AND m.user_id = $2\n');
    expect(filled.text).not.toContain('IS NULL');
    expect(filled.text).not.toContain('sessions');
    const unknown = exactSearchSql(query);
    expect(unknown.text).toContain(
      '(m.user_id = $2 OR (m.user_id IS NULL AND m.session_id = ANY(ARRAY(SELECT id FROM sessions WHERE user_id = $2))))',
    );
    const bound = searchSql({ ...query, unfilled: ['s1', 's2'] });
    expect(bound.text).toContain('(m.user_id = $2 OR (m.user_id IS NULL AND m.session_id = ANY($3::uuid[])))');
    expect(bound.values).toEqual(['[1]', 'u', ['s1', 's2'], 5]);
  });

  it('builds an exact search the HNSW index cannot serve: a fenced subquery, then a top-N sort', () => {
    const { text, values } = exactSearchSql({
      vector: '[1,0]',
      sessionId: 's',
      userId: null,
      roles: ['assistant'],
      since: null,
      until: null,
      topK: 3,
    });
    expect(text).toContain('m.embedding IS NOT NULL');
    expect(text).toContain('m.session_id = $2::uuid');
    expect(text).toContain('m.role = ANY($3::text[])');
    expect(text).toContain('OFFSET 0\n) candidates\nORDER BY distance, id\nLIMIT $4');
    expect(text).not.toContain('ORDER BY m.embedding');
    expect(values).toEqual(['[1,0]', 's', ['assistant'], 3]);
  });

  it('knows which pgvector versions have iterative scans', () => {
    expect(supportsIterativeScan('0.8.0')).toBe(true);
    expect(supportsIterativeScan('0.8.7')).toBe(true);
    expect(supportsIterativeScan('1.0.0')).toBe(true);
    expect(supportsIterativeScan('0.7.4')).toBe(false);
    expect(supportsIterativeScan(null)).toBe(false);
  });
});
