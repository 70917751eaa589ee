import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { bosKeyProblem, normalizePrefix, toBosKey } from './object-key.js';

describe('BOS object keys', () => {
  it('accepts the keys the original library wrote', () => {
    for (const key of ['profiles/u123.json', 'knowledge/中文用户.jsonl', 'profiles/a b.meta.json', 'dir/', 'x.y/..z']) {
      expect(bosKeyProblem(key)).toBeUndefined();
    }
  });

  it('refuses keys the SDK would silently rewrite through path.normalize', () => {
    expect(bosKeyProblem('a//b')).toMatch(/\/\//);
    expect(bosKeyProblem('a/../b')).toMatch(/segment/);
    expect(bosKeyProblem('./a')).toMatch(/segment/);
    expect(bosKeyProblem('/a')).toMatch(/starts with/);
    expect(bosKeyProblem('')).toMatch(/empty/);
    expect(bosKeyProblem('a\0b')).toMatch(/NUL/);
    expect(bosKeyProblem('é'.repeat(513))).toMatch(/1026 bytes/);
  });

  it('joins the prefix with exactly one slash and counts it in the limit', () => {
    expect(normalizePrefix(undefined)).toBe('');
    expect(normalizePrefix('tenant-a')).toBe('tenant-a/');
    expect(normalizePrefix('tenant-a///')).toBe('tenant-a/');
    expect(normalizePrefix('/long_term/')).toBe('long_term/');
    expect(toBosKey('tenant-a/', 'profiles/u1.json')).toBe('tenant-a/profiles/u1.json');
    expect(() => toBosKey('p/', 'x'.repeat(1023))).toThrow(InvalidInputError);
    expect(() => normalizePrefix('../up')).toThrow(/prefix "..\/up" is not usable/);
    expect(() => toBosKey('', 'a//b')).toThrow(/object key "a\/\/b" cannot be stored on BOS/);
  });
});
