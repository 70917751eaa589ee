import { describe, expect, it } from 'vitest';
import { stem, tokenize, Tokenizer, withOffsets } from './tokenize.js';

describe('tokenize', () => {
  it('gives Chinese words, bigrams and characters, without particles and stop words', () => {
    const tokens = tokenize('用户喜欢喝咖啡吗');
    expect(tokens).toEqual(expect.arrayContaining(['喜欢', '咖啡', '喝咖', '喝']));
    expect(tokens).not.toContain('用户');
    expect(tokens).not.toContain('吗');
    expect(tokens.some((t) => t.includes('户'))).toBe(false);
  });

  it('folds width and case and stems English, dropping stop words', () => {
    expect(tokenize('Which DATABASES does she use?')).toEqual(['databas', 'us']);
    expect(tokenize('ＰｏｓｔｇｒｅＳＱＬ')).toEqual(['postgresql']);
    expect(tokenize('python3')).toEqual(['python3', 'python', '3']);
  });

  it('splits camelCase words into their parts as well, and snake_case anyway', () => {
    expect(tokenize('hasPet')).toEqual(['haspet', 'pet']);
    expect(tokenize('livesIn')).toEqual(['livesin', stem('lives')]);
    expect(tokenize('work_schedule')).toEqual(['work', 'schedul']);
    expect(tokenize('iPhone 15')).toEqual(expect.arrayContaining(['iphon', 'phon', '15']));
  });

  it('keeps stop words when asked, and drops Chinese question scaffolding', () => {
    expect(tokenize('from')).toEqual([]);
    expect(tokenize('from', { keepStopwords: true })).toEqual(['from']);
    expect(tokenize('她妈妈身体怎么样')).not.toContain('样');
  });

  it('handles characters outside the BMP without splitting them', () => {
    const tokens = tokenize('𠮷野家');
    expect(tokens).toContain('𠮷');
    expect(tokens).toContain('𠮷野');
    for (const t of tokens)
      expect(t).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});

describe('stem', () => {
  it('brings inflected and derived forms together', () => {
    expect(new Set(['use', 'uses', 'used', 'using'].map(stem)).size).toBe(1);
    expect(new Set(['prefer', 'prefers', 'preferred'].map(stem)).size).toBe(1);
    expect(new Set(['collaborator', 'collaborates', 'collaboration'].map(stem)).size).toBe(1);
    expect(new Set(['study', 'studies', 'studying'].map(stem)).size).toBe(1);
    expect(stem('go')).toBe('go');
  });
});

describe('a dictionary segmenter', () => {
  it('gives its long words beside the bigrams, through withOffsets', () => {
    const words = (run: string) => (run === '儿童医院护士' ? ['儿童医院', '护士'] : [...run]);
    const t = new Tokenizer({ segmenter: (run) => withOffsets(words(run)) });
    expect(t.tokenize('儿童医院护士')).toContain('儿童医院');
    expect(new Tokenizer().tokenize('儿童医院护士')).not.toContain('儿童医院');
    expect(withOffsets(['我', '喜欢', '。'])).toEqual([
      { segment: '我', index: 0, isWordLike: true },
      { segment: '喜欢', index: 1, isWordLike: true },
      { segment: '。', index: 3, isWordLike: false },
    ]);
  });
});
