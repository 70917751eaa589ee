import { describe, expect, it } from 'vitest';
import { mergePatchSql } from './merge-patch-sql.js';
import { SqlParams } from './sql-params.js';

describe('mergePatchSql', () => {
  it('keeps the value when the patch is empty', () => {
    const params = new SqlParams();
    expect(mergePatchSql('metadata', {}, params)).toBe(
      `(CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata ELSE '{}'::jsonb END)`,
    );
    expect(params.values).toEqual([]);
  });

  it('removes null keys and replaces scalars and arrays with parameters only', () => {
    const params = new SqlParams();
    const sql = mergePatchSql('metadata', { gone: null, theme: 'dark', tags: ["it's"], n: 2 }, params);
    expect(sql).toContain('- $1::text[]');
    expect(sql).toContain('|| $2::jsonb');
    expect(params.values).toEqual([['gone'], JSON.stringify({ theme: 'dark', tags: ["it's"], n: 2 })]);
    expect(sql).not.toContain("it's");
    expect(sql).not.toContain('theme');
  });

  it('recurses into nested objects, reading the nested current value', () => {
    const params = new SqlParams();
    const sql = mergePatchSql('metadata', { ui: { theme: 'dark', old: null } }, params);
    expect(params.values).toEqual(['ui', ['old'], JSON.stringify({ theme: 'dark' })]);
    expect(sql).toContain('jsonb_build_object($1::text, ');
    expect(sql).toContain(`jsonb_typeof((metadata -> $1::text)) = 'object'`);
  });
});
