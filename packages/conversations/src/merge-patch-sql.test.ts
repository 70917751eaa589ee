import { sql } from '@memory/db';
import { describe, expect, it } from 'vitest';
import { mergePatchSql } from './merge-patch-sql.js';

describe('mergePatchSql', () => {
  it('keeps the value when the patch is empty', () => {
    const expr = mergePatchSql(sql.raw('metadata'), {});
    expect(expr.text).toBe(`(CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata ELSE '{}'::jsonb END)`);
    expect(expr.values).toEqual([]);
  });

  it('removes null keys and replaces scalars and arrays with parameters only', () => {
    const expr = mergePatchSql(sql.raw('metadata'), { gone: null, theme: 'dark', tags: ["it's"], n: 2 });
    expect(expr.text).toContain('- $1::text[]');
    expect(expr.text).toContain('|| $2::jsonb');
    expect(expr.values).toEqual([['gone'], JSON.stringify({ theme: 'dark', tags: ["it's"], n: 2 })]);
    expect(expr.text).not.toContain("it's");
    expect(expr.text).not.toContain('theme');
  });

  it('recurses into nested objects, reading the nested current value', () => {
    const expr = mergePatchSql(sql.raw('metadata'), { ui: { theme: 'dark', old: null } });
    expect(expr.values).toEqual(['ui', ['old'], JSON.stringify({ theme: 'dark' })]);
    expect(expr.text).toContain('jsonb_build_object($1::text, ');
    expect(expr.text).toContain(`jsonb_typeof((metadata -> $1::text)) = 'object'`);
  });
});
