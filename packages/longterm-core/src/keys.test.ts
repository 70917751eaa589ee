import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { compareKeys, knowledgeKey, profileKey, profileMetaKey, validateObjectKey, validateUserId } from './keys.js';

describe('profileKey / knowledgeKey', () => {
  it('gives exactly the original keys, user id verbatim', () => {
    expect(profileKey('u123')).toBe('profiles/u123.json');
    expect(knowledgeKey('u123')).toBe('knowledge/u123.jsonl');
    expect(profileKey('中文用户')).toBe('profiles/中文用户.json');
    expect(knowledgeKey('中文用户')).toBe('knowledge/中文用户.jsonl');
    expect(profileMetaKey('u123')).toBe('profiles/u123.meta.json');
  });

  it('keeps every id the original could store safely', () => {
    for (const id of [
      'a b',
      'user@example.com',
      'sess-0b6f4f1e-8a3c-4c1e-9a77-6f2f3a8f9b10',
      '...x',
      'a..b',
      'émoji🎉',
      ' padded ',
      'x'.repeat(512),
    ]) {
      expect(profileKey(id)).toBe(`profiles/${id}.json`);
    }
    expect(profileKey('é'.repeat(256))).toBe(`profiles/${'é'.repeat(256)}.json`); // 512 bytes exactly
  });

  it.each([
    ['empty', ''],
    ['slash', 'a/b'],
    ['leading slash', '/etc'],
    ['backslash', 'a\\b'],
    ['dot-dot', '..'],
    ['dot', '.'],
    ['NUL', 'a\0b'],
    ['newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0085b'],
    ['lone surrogate', 'a\uD800b'],
    ['over 512 bytes', 'x'.repeat(513)],
    ['over 512 bytes in UTF-8', '中'.repeat(171)],
  ])('refuses an id with %s before any storage call', (_why, id) => {
    expect(() => validateUserId(id)).toThrow(InvalidInputError);
    expect(() => profileKey(id)).toThrow(InvalidInputError);
    expect(() => knowledgeKey(id)).toThrow(InvalidInputError);
    expect(() => profileMetaKey(id)).toThrow(InvalidInputError);
  });

  it('refuses a non-string id', () => {
    expect(() => profileKey(42 as unknown as string)).toThrow(InvalidInputError);
    expect(() => profileKey(undefined as unknown as string)).toThrow(InvalidInputError);
  });

  it('names the reason in the error', () => {
    expect(() => profileKey('a/b')).toThrow(/path separator/);
    expect(() => profileKey('x'.repeat(600))).toThrow(/600 bytes/);
  });
});

describe('validateObjectKey', () => {
  it('refuses empty keys, NUL and keys over 1024 bytes', () => {
    expect(() => validateObjectKey('')).toThrow(InvalidInputError);
    expect(() => validateObjectKey('a\0')).toThrow(InvalidInputError);
    expect(() => validateObjectKey('k'.repeat(1025))).toThrow(InvalidInputError);
    expect(() => validateObjectKey('k'.repeat(1024))).not.toThrow();
    expect(() => validateObjectKey('with space/中文.json')).not.toThrow();
  });
});

describe('compareKeys', () => {
  it('orders by UTF-8 bytes, as S3 lists', () => {
    const keys = ['b', 'a/b', 'a-b', '\u{1F600}', '\uFF5E', 'a'];
    expect([...keys].sort(compareKeys)).toEqual(['a', 'a-b', 'a/b', 'b', '\uFF5E', '\u{1F600}']);
    expect([...keys].sort()).not.toEqual([...keys].sort(compareKeys));
  });
});
