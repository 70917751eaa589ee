import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@memory/errors';
import { parseSummaryJson } from './summary-schema.js';

const full = {
  decision_points: ['use pgvector', '中文决策'],
  todos: ['write tests'],
  entities: { files: ['src/a.ts'], tools: ['psql'] },
  context_state: 'reviewing the schema',
  code_snippets: [{ language: 'sql', code: 'select 1', purpose: 'smoke test' }],
};

describe('parseSummaryJson', () => {
  it('accepts what the original compressor writes, unchanged', () => {
    expect(parseSummaryJson(full)).toEqual(full);
  });

  it('keeps extra fields at every level', () => {
    const extra = {
      ...full,
      version: 2,
      entities: { ...full.entities, urls: ['https://x'] },
      code_snippets: [{ code: 'x', lines: [1, 2] }],
    };
    expect(parseSummaryJson(extra)).toEqual(extra);
  });

  it('accepts missing fields without adding defaults', () => {
    expect(parseSummaryJson({})).toEqual({});
    expect(parseSummaryJson({ todos: [] })).toEqual({ todos: [] });
    expect(parseSummaryJson({ entities: {} })).toEqual({ entities: {} });
  });

  it('refuses wrong types and names each path', () => {
    const bad = () => parseSummaryJson({ todos: ['a', 3], entities: { files: 'a.ts' }, context_state: ['x'] });
    expect(bad).toThrow(InvalidInputError);
    try {
      bad();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('todos[1]');
      expect(msg).toContain('entities.files');
      expect(msg).toContain('context_state');
      expect((e as InvalidInputError).details.problems).toHaveLength(3);
    }
  });

  it('requires code in every snippet and refuses non-objects', () => {
    expect(() => parseSummaryJson({ code_snippets: [{ language: 'ts' }] })).toThrow(/code_snippets\[0\]\.code/);
    expect(() => parseSummaryJson({ code_snippets: ['select 1'] })).toThrow(InvalidInputError);
    for (const root of [null, 'text', [], 3]) expect(() => parseSummaryJson(root)).toThrow(/\(root\)/);
  });
});
